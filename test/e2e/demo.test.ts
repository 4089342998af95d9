/**
 * The demo flow end to end, through the real CLI binary against the real local stack (simulator
 * upstream, s3rver, local Step Functions, the same handlers and ASL files): create a group, upload
 * a drawn avatar and wait for `active`, generate a video referencing it as "Image 1", save the MP4.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client';
import { createSigner } from '../../cli/signing';
import { makeAvatarPng } from '../../local/avatar';
import { runDemo } from '../../local/demo';
import { startLocalStack } from '../../local/start';

const execFileAsync = promisify(execFile);

/** Small enough that ingest and generation take a few seconds, large enough to keep every wait ordered. */
const TIME_SCALE = 0.02;

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let dir: string;
const logLevel = process.env.LOG_LEVEL;

async function seedance(...args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(process.execPath, ['cli/bin.mjs', ...args, '--json'], {
    env: {
      ...process.env,
      SEEDANCE_API_URL: stack.apiUrl,
      LOCAL_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      LOCAL_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    },
    timeout: 60_000,
  }).catch((e: unknown) => {
    const { stderr, stdout: out } = e as { stderr?: string; stdout?: string };
    throw new Error(`seedance ${args.join(' ')} failed:\n${stderr ?? ''}${out ?? ''}`);
  });
  return JSON.parse(stdout);
}

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

beforeAll(async () => {
  // The handlers run in this process: keep their per-request log lines out of the test output.
  process.env.LOG_LEVEL = 'warn';
  dir = await mkdtemp(join(tmpdir(), 'seedance-e2e-'));
  // The quick start as a new user meets it: npm start's basic tier, whatever SIM_TIER the shell has.
  stack = await startLocalStack({ port: 0, timeScale: TIME_SCALE, simulator: { tier: 'basic' } });
});

afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

describe('demo flow through the seedance CLI against the local stack', () => {
  it('uploads an avatar to active and saves a video that references it', { timeout: 120_000 }, async () => {
    // Prepare
    const avatar = join(dir, 'avatar.png');
    await writeFile(avatar, makeAvatarPng());
    const out = join(dir, 'out', 'demo.mp4');

    // Act
    const group = (await seedance('groups', 'create', 'e2e-character', '--description', 'e2e')) as {
      groupId: string;
    };
    const [upload] = (await seedance(
      'upload',
      avatar,
      '--group',
      group.groupId,
      '--wait',
      '--poll-interval',
      '0.2',
    )) as {
      uploadId: string;
      status: string;
      assetId: string;
      assetUri: string;
    }[];
    const video = (await seedance(
      'video',
      'create',
      '--prompt',
      'Image 1 smiles and waves at the camera',
      '--ref',
      upload?.assetUri ?? '',
      '--ratio',
      '3:4',
      '--duration',
      '5',
      '--out',
      out,
      '--poll-interval',
      '0.2',
    )) as { videoId: string; status: string; file: string; bytes: number };

    // Assess
    expect(upload).toMatchObject({ status: 'active', assetId: expect.stringMatching(/^asset-/) });
    expect(upload?.assetUri).toBe(`asset://${upload?.assetId}`);
    const client = new ApiClient({
      baseUrl: stack.apiUrl,
      signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
    });
    const status = await client.getUpload(group.groupId, upload?.uploadId ?? '');
    expect(status).toMatchObject({ status: 'active', assetId: upload?.assetId, groupId: group.groupId });

    expect(video).toMatchObject({ status: 'succeeded', file: out });
    const mp4 = await head(out, 12);
    expect(mp4.toString('ascii', 4, 8)).toBe('ftyp');
    expect(video.bytes).toBeGreaterThan(mp4.readUInt32BE(0));
  });

  it('runs the `npm run demo` flow and reports the asset and the file', { timeout: 120_000 }, async () => {
    // Prepare
    const log = { text: '', write: (t: string) => (log.text += t) };
    const client = new ApiClient({
      baseUrl: stack.apiUrl,
      signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
    });

    // Act
    const r = await runDemo({
      client,
      outDir: join(dir, 'demo-out'),
      uploadPollMs: 100,
      videoPollMs: 100,
      log,
    });

    // Assess
    expect(r.assetUri).toBe(`asset://${r.assetId}`);
    expect(r.file).toBe(join(dir, 'demo-out', `${r.videoId}.mp4`));
    expect((await head(r.file, 8)).toString('ascii', 4, 8)).toBe('ftyp');
    expect(log.text).toContain(`Asset      ${r.assetUri}`);
    expect(await client.getUpload(r.groupId, r.uploadId)).toMatchObject({
      status: 'active',
      assetId: r.assetId,
    });
  });
});
