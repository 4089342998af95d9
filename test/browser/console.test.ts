/**
 * The console in a real headless Chromium (Debian's, driven by playwright-core) against the real local
 * stack: create a character, upload two images and one that breaks the image rules (its reason shown),
 * compose a video from the character with the rules checked as the prompt is typed, watch the job
 * succeed and play the MP4. Once at 1280 px through the local stack's /console, once at 390 px through
 * `seedance console` (the CLI's own server, signing with the caller's AWS credential chain), where every
 * request and answer of the page is checked for credentials.
 *
 * Screenshots go to a temporary directory, or to CONSOLE_SCREENSHOTS_DIR (the README's come from
 * `CONSOLE_SCREENSHOTS_DIR=docs npx vitest run test/browser/console.test.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAvatarPng } from '../../local/avatar';
import { startLocalStack, type LocalStack } from '../../local/start';
import { movie, wav } from '../support/media-files';

/**
 * The little of the DOM the page-side callbacks below touch. Declared here because the project's
 * typecheck has no DOM library (adding it program-wide clashes with Node's stream and fetch types).
 */
interface VideoElement {
  readyState: number;
  duration: number;
  muted: boolean;
  currentTime: number;
  error: { code: number } | null;
  play(): Promise<void>;
  addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
}
/** axe-core's verdicts, as much of them as the assertion prints. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}
declare const axe: {
  run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[]; passes: unknown[] }>;
};
declare class DataTransfer {
  items: { add(file: unknown): void };
}
declare class File {
  constructor(parts: Uint8Array[], name: string, options: { type: string });
}
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { textContent: string | null; tagName: string; id: string } | null;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Ingest and generation take seconds instead of minutes; every wait keeps its order. */
const TIME_SCALE = 0.02;
const WAIT = { timeout: 45_000 };

let stack: LocalStack;
let browser: Browser;
let dir: string;
let shots: string;
let files: { good1: string; good2: string; tiny: string };
const logLevel = process.env.LOG_LEVEL;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: apt-get install -y chromium (see README, "Browser console")`,
    );
  process.env.LOG_LEVEL = 'warn'; // the in-process handlers' request lines stay out of the test output
  dir = await mkdtemp(join(tmpdir(), 'seedance-console-'));
  shots = process.env.CONSOLE_SCREENSHOTS_DIR ?? join(dir, 'shots');
  await mkdir(shots, { recursive: true });
  files = { good1: join(dir, 'front.png'), good2: join(dir, 'smile.png'), tiny: join(dir, 'tiny.png') };
  await writeFile(files.good1, makeAvatarPng());
  await writeFile(files.good2, makeAvatarPng({ shirt: [180, 60, 90], hair: [20, 20, 20] }));
  // 120 px wide: the image rules want at least 300 px a side, so ingest rejects it.
  await writeFile(files.tiny, makeAvatarPng({ width: 120, height: 160 }));
  [stack, browser] = await Promise.all([
    startLocalStack({ port: 0, timeScale: TIME_SCALE }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

interface Watch {
  errors: string[];
  requests: { url: string; headers: Record<string, string> }[];
  bodies: { url: string; text: string }[];
  pending: Promise<unknown>[];
}

/** Records every console error, page error, request (with all its headers) and same-origin answer. */
function watch(page: Page, origin: string): Watch {
  const w: Watch = { errors: [], requests: [], bodies: [], pending: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    w.pending.push(
      r.allHeaders().then(
        (headers) => w.requests.push({ url: r.url(), headers }),
        () => w.requests.push({ url: r.url(), headers: r.headers() }),
      ),
    );
  });
  page.on('response', (r) => {
    if (new URL(r.url()).origin !== origin || r.status() === 308) return;
    w.pending.push(
      r.body().then(
        (b) => w.bodies.push({ url: r.url(), text: b.toString('latin1') }),
        () => undefined, // a navigation can drop a body; its request is still checked
      ),
    );
  });
  return w;
}

let axeSource: string | undefined;

/**
 * WCAG 2.1 A/AA checks by axe-core on the page as it is. Evaluated over the DevTools protocol, which
 * the page's CSP (script-src 'self') does not govern, so the console's policy stays as shipped.
 */
async function accessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const { violations, passes } = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  expect(passes.length).toBeGreaterThan(10); // the checks did run
  return violations.map(
    (v) => `${v.id} (${v.impact ?? ''}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
}

/** Drops files on the drop zone the way a desktop drag does: one `drop` event carrying a DataTransfer. */
async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const items = await Promise.all(
    paths.map(async (p) => ({
      name: p.replace(/^.*\//, ''),
      base64: (await readFile(p)).toString('base64'),
    })),
  );
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, base64 } of list)
      dt.items.add(
        new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }),
      );
    return dt;
  }, items);
  await page.locator('.dropzone').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: transfer });
}

async function flow(
  page: Page,
  consoleUrl: string,
  name: string,
  screenshot: (n: string) => Promise<void>,
  upload: 'file picker' | 'drag and drop' = 'file picker',
) {
  // Every view fits its viewport (no sideways scrolling at 1280 or 390 px) and passes the WCAG A/AA
  // checks before it is photographed.
  const shot = async (n: string) => {
    const width = page.viewportSize()?.width ?? 0;
    expect(await page.evaluate(() => document.documentElement.scrollWidth), n).toBeLessThanOrEqual(width);
    expect(await accessibilityViolations(page), n).toEqual([]);
    await screenshot(n);
  };
  await page.goto(consoleUrl);
  await page.getByRole('heading', { name: 'Characters', exact: true }).waitFor();

  // Create a character.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description (optional)', { exact: true }).fill('browser test');
  await page.getByRole('button', { name: 'Create character' }).click();
  await page.waitForURL(/#\/characters\/group-/);
  await page.getByRole('heading', { name, exact: true }).waitFor();

  // Upload two images and a bad one at once; each gets its own row, progress and final status.
  const picked = [files.good1, files.good2, files.tiny];
  if (upload === 'drag and drop') await dropFiles(page, picked);
  else await page.locator('#file-input').setInputFiles(picked);
  const row = (file: string) => page.locator(`li.upload[data-file="${file}"]`);
  await row('tiny.png').and(page.locator('.phase-rejected')).waitFor(WAIT);
  await row('front.png').and(page.locator('.phase-active')).waitFor(WAIT);
  await row('smile.png').and(page.locator('.phase-active')).waitFor(WAIT);
  const rejection = await row('tiny.png').locator('.status').innerText();
  expect(rejection).toMatch(/^rejected\s+width 120 px is below 300 px$/);
  expect(await row('front.png').locator('progress').getAttribute('value')).toBe('1');
  await page.locator('ul[aria-label="Assets"] li .badge-active').nth(1).waitFor(WAIT);
  expect(await page.locator('ul[aria-label="Assets"] li').count()).toBe(2);
  await shot('character');

  // Compose from the whole character; the rules are checked while typing.
  await page.getByRole('link', { name: 'Compose a video with this character' }).click();
  await page.waitForURL(/#\/compose/);
  await page.locator('ul[aria-label="Images of the character"] li').nth(1).waitFor(WAIT);
  await page.getByRole('button', { name: 'Use the whole character' }).click();
  const prompt = page.getByLabel('Prompt', { exact: true });
  expect(await prompt.inputValue()).toMatch(/Image 1, Image 2/);
  const check = page.locator('#rule-check');
  const submit = page.getByRole('button', { name: 'Generate video' });
  await prompt.fill('Image 3 waves at the camera');
  expect(await check.innerText()).toMatch(/✗ .*"Image 3".*2 images/);
  expect(await submit.isDisabled()).toBe(true);
  await prompt.fill('Image 1 and Image 2 wave at the camera, asset://asset-20260101000000-abcde');
  expect(await check.innerText()).toContain('PromptReferencesAssetId');
  await prompt.fill('Image 1 and Image 2 wave at the camera');
  expect(await check.innerText()).toContain('✓');
  // The fast model has no 1080p: the picker follows the rules module.
  await page.getByLabel('Model', { exact: true }).selectOption('doubao-seedance-2-0-fast-260128');
  expect(await page.locator('#compose-resolution option[value="1080p"]').isDisabled()).toBe(true);
  await page.getByLabel('Model', { exact: true }).selectOption('doubao-seedance-2-0-260128');
  expect(await page.locator('#compose-resolution option[value="1080p"]').isDisabled()).toBe(false);
  await page.getByLabel('Ratio', { exact: true }).selectOption('3:4');
  await page.getByLabel('Duration', { exact: true }).selectOption('5');
  await shot('compose');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && /\/videos$/.test(r.url()));
  await submit.click();
  // The whole character goes as one {groupId} reference; the API expands it in the order shown here.
  const references = ((await sent).postDataJSON() as { references?: unknown[] }).references;
  expect(references).toEqual([{ groupId: expect.stringMatching(/^group-/) }]);

  // Watch the job succeed and play the video.
  await page.waitForURL(/#\/jobs\/vid-/);
  await page.locator('.job-status .badge-succeeded').waitFor(WAIT);
  const video = page.locator('video');
  const duration = await video.evaluate(
    (v: VideoElement) =>
      new Promise<number>((resolve, reject) => {
        if (v.readyState >= 1) return resolve(v.duration);
        v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
        v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)), { once: true });
      }),
  );
  expect(duration).toBeGreaterThan(0);
  const played = await video.evaluate(async (v: VideoElement) => {
    v.muted = true;
    await v.play();
    await new Promise<void>((r) => v.addEventListener('timeupdate', () => r(), { once: true }));
    return v.currentTime;
  });
  expect(played).toBeGreaterThan(0);
  const download = page.getByRole('link', { name: 'Download MP4' });
  expect(await download.getAttribute('href')).toBe(await video.getAttribute('src'));
  await shot('job');

  // The jobs list shows it, finished.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await page.locator('ul[aria-label="Video jobs"] .badge-succeeded').first().waitFor(WAIT);

  // Real-person sessions: wired when the API has the route (link and QR code), said plainly when not.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Characters' }).click();
  const missing = page.getByText('This API has no real-person sessions yet');
  const start = page.getByRole('button', { name: 'Start a liveness session' });
  await start.waitFor();
  if (await missing.isVisible()) expect(await start.isDisabled()).toBe(true);
  else {
    await start.click();
    await page.getByAltText('QR code of the liveness link').waitFor(WAIT);
  }
}

/** Keyboard: the skip link and the main navigation are reachable and work with Tab and Enter. */
async function keyboard(page: Page) {
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Compose');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/compose/);
  // The view's heading takes focus, so the next Tab starts inside the view.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('compose-group');
}

function startConsoleCli(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['cli/bin.mjs', 'console', '--api', stack.apiUrl, '--no-local', '--port', '0', '--json'],
    { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`seedance console did not start:\n${err}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const { url } = JSON.parse(out) as { url: string };
        clearTimeout(timer);
        resolve({ child, url });
      } catch {
        // not the whole JSON document yet
      }
    });
    child.once('exit', (code) => reject(new Error(`seedance console exited with ${code}:\n${err}`)));
  });
}

describe('browser console in headless Chromium', () => {
  it(
    'local stack /console at 1280 px: character, uploads with a rejection, compose, job, playback',
    { timeout: 120_000 },
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const w = watch(page, new URL(stack.consoleUrl).origin);
      try {
        await page.goto(stack.consoleUrl);
        await keyboard(page);
        await flow(page, stack.consoleUrl, 'Ada (desktop)', (n) =>
          page.screenshot({ path: join(shots, `console-${n}.png`), fullPage: true }).then(() => undefined),
        );
        await Promise.all(w.pending);
        expect(w.errors).toEqual([]);
        for (const r of w.requests)
          expect(Object.keys(r.headers).filter(credentialHeader), r.url).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it(
    'seedance console at 390 px: the same flow with the files dropped, and the page never holds or sends AWS credentials',
    { timeout: 120_000 },
    async () => {
      // The caller's "AWS credentials" come from the environment through the SDK's provider chain; the
      // local API checks its dev credentials, so those are the caller's here.
      const caller = stack.credentials;
      const { child, url } = await startConsoleCli({
        AWS_ACCESS_KEY_ID: caller.accessKeyId,
        AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
        AWS_REGION: 'us-east-1',
      });
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const origin = new URL(url).origin;
      const w = watch(page, origin);
      try {
        expect(origin).not.toBe(new URL(stack.apiUrl).origin);
        const shot = (n: string) =>
          page
            .screenshot({ path: join(shots, `console-mobile-${n}.png`), fullPage: true })
            .then(() => undefined);
        await flow(page, url, 'Ada (phone)', shot, 'drag and drop');
        // Nothing wider than the phone: usable at 390 px without sideways scrolling.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await Promise.all(w.pending);
        expect(w.errors).toEqual([]);

        // Assess: the page talked only to its own origin (signed there) and to storage (presigned).
        expect(w.requests.length).toBeGreaterThan(10);
        const apiOrigin = new URL(stack.apiUrl).origin;
        for (const r of w.requests) {
          expect(Object.keys(r.headers).filter(credentialHeader), r.url).toEqual([]);
          expect(new URL(r.url).origin, r.url).not.toBe(apiOrigin);
          expect(r.url).not.toContain(caller.secretAccessKey);
        }
        expect(w.requests.some((r) => r.url.startsWith(`${origin}/console/api/videos`))).toBe(true);
        expect(w.bodies.some((b) => b.url.endsWith('/app.js'))).toBe(true);
        for (const b of w.bodies) {
          expect(b.text, b.url).not.toContain(caller.secretAccessKey);
          expect(b.text, b.url).not.toContain(caller.accessKeyId);
        }
      } finally {
        await context.close();
        // Ctrl-C's signal: the command closes its server and exits, leaving nothing running.
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          expect((await exited)[0]).toBe(0);
        }
      }
    },
  );
});

describe('browser console: video and audio uploads', () => {
  it(
    'offers clips in the file picker, shows their durations and turns them active',
    { timeout: 90_000 },
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const w = watch(page, new URL(stack.consoleUrl).origin);
      try {
        await page.goto(stack.consoleUrl);
        await page.getByRole('heading', { name: 'Characters', exact: true }).waitFor();
        await page.getByLabel('Name', { exact: true }).fill('Clips');
        await page.getByRole('button', { name: 'Create character' }).click();
        await page.waitForURL(/#\/characters\/group-/);
        const accept = (await page.locator('#file-input').getAttribute('accept')) ?? '';
        for (const t of ['image/*', 'video/mp4', 'video/quicktime', 'audio/wav', 'audio/mpeg'])
          expect(accept.split(',')).toContain(t);
        await page.locator('#file-input').setInputFiles([
          { name: 'voice.wav', mimeType: 'audio/wav', buffer: wav({ seconds: 3 }).bytes() },
          {
            name: 'long.wav',
            mimeType: 'audio/wav',
            buffer: wav({ seconds: 31, sampleRate: 8000, channels: 1 }).bytes(),
          },
          { name: 'clip.mp4', mimeType: 'video/mp4', buffer: movie({ seconds: 5 }).bytes() },
        ]);
        const row = (file: string) => page.locator(`li.upload[data-file="${file}"]`);
        await row('voice.wav').and(page.locator('.phase-active')).waitFor(WAIT);
        await row('clip.mp4').and(page.locator('.phase-active')).waitFor(WAIT);
        await row('long.wav').and(page.locator('.phase-rejected')).waitFor(WAIT);
        expect(await row('voice.wav').locator('.name').innerText()).toMatch(/voice\.wav\s*· 3\.0 s/);
        expect(await row('long.wav').locator('.name').innerText()).toMatch(/· 31 s/);
        expect(await row('long.wav').locator('.status').innerText()).toMatch(/duration 31 s is above 30 s/);
        await Promise.all(w.pending);
        expect(w.errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

/** The simulator's control API (upstream behaviour for one test; put back afterwards). */
async function sim(path: string, method: 'PUT' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${stack.simulator?.url ?? ''}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
}

async function composeTextOnly(page: Page, prompt: string): Promise<void> {
  await page.goto(`${stack.consoleUrl}#/compose`);
  await page.getByLabel('Prompt', { exact: true }).fill(prompt);
  await page.getByRole('button', { name: 'Generate video' }).click();
  await page.waitForURL(/#\/jobs\/vid-/);
}

describe('browser console: a failed job and a cancelled one', () => {
  it('shows the upstream error of a failed job and cancels a queued one', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const w = watch(page, new URL(stack.consoleUrl).origin);
    let queuedMs: number | undefined;
    try {
      await sim('/_sim/task-outcome', 'PUT', {
        status: 'failed',
        // APIYI's form of output moderation (UPSTREAM.md: `PUBLIC_`-prefixed, not billed).
        code: 'PUBLIC_OutputVideoSensitiveContentDetected',
        message: 'The generated video may contain sensitive content',
      });
      await composeTextOnly(page, 'A calm lake at dawn');
      await page.locator('.job-status .badge-failed').waitFor(WAIT);
      const error = await page.getByRole('alert').innerText();
      expect(error).toContain('The job failed');
      expect(error).toContain('PUBLIC_OutputVideoSensitiveContentDetected');
      expect(error).toContain('Hint: Rejected by upstream moderation (not billed).');
      expect(await page.getByRole('button', { name: 'Cancel this job' }).count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: join(shots, 'console-job-failed.png'), fullPage: true });
      await sim('/_sim/task-outcome', 'DELETE');

      // A task that stays queued upstream for a long while: the job can still be cancelled.
      queuedMs = (
        (await (await fetch(`${stack.simulator?.url ?? ''}/_sim/options`)).json()) as { taskQueuedMs: number }
      ).taskQueuedMs;
      await sim('/_sim/options', 'PUT', { taskQueuedMs: 3_600_000 });
      await composeTextOnly(page, 'A slow sunrise over the hills');
      await page.locator('.job-status .badge-queued, .job-status .badge-running').waitFor(WAIT);
      await page.getByRole('button', { name: 'Cancel this job' }).click();
      await page.locator('.job-status .badge-cancelled').waitFor(WAIT);
      expect(await page.locator('video').count()).toBe(0);
      await Promise.all(w.pending);
      expect(w.errors).toEqual([]);
    } finally {
      await sim('/_sim/task-outcome', 'DELETE').catch(() => undefined);
      if (queuedMs !== undefined) await sim('/_sim/options', 'PUT', { taskQueuedMs: queuedMs });
      await context.close();
    }
  });
});

/** Authorization and every X-Amz-* header (signature, date, security token, content hash). */
function credentialHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'authorization' || n.startsWith('x-amz-');
}
