import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { arkCall, settledAsset, sleep, until, volcOk } from './helpers/clients';
import { startFileServer, type FileServer } from './helpers/file-server';
import { png } from './helpers/images';
import { movie } from '../support/media-files';

const MODEL = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';
const sampleMp4 = readFileSync(new URL('../fixtures/sim/sample.mp4', import.meta.url));
const samplePng = readFileSync(new URL('../fixtures/sim/last-frame.png', import.meta.url));

let sim: Simulator;
let files: FileServer;
const assets: Record<
  'active' | 'processing' | 'failed' | 'foreign' | 'video10a' | 'video10b' | 'video',
  string
> = {
  active: '',
  processing: '',
  failed: '',
  foreign: '',
  video10a: '',
  video10b: '',
  video: '',
};

/**
 * A valid 720p 30 fps MP4 of that length (the sample fixture is 320×240, below the video pixel-count
 * minimum, so upstream would fail it as an asset).
 */
const videoLasting = (seconds: number): Buffer => movie({ seconds, audio: true }).bytes();

async function makeAsset(body: Buffer, type = 'Image', project = 'default'): Promise<string> {
  const path = `/a${Math.random().toString(36).slice(2)}`;
  files.set(path, { body });
  const gid = (await volcOk(sim, 'CreateAssetGroup', { Name: 'g', ProjectName: project })).Id;
  const { Id } = await volcOk(sim, 'CreateAsset', {
    GroupId: gid,
    URL: files.url(path),
    AssetType: type,
    ProjectName: project,
  });
  return Id as string;
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    timeScale: 0.001,
    seed: 11,
    rateLimits: { '*': 0, CreateAsset: 0, GetAsset: 0 },
    // Semantics, not limits: the most generous tier and no task-API limits (limits.test.ts has those).
    tier: 'premium',
    taskAccount: 'enterprise',
    taskSlots: 1_000,
    taskRpm: 0,
    taskRateLimits: { GetTask: 0, ListTasks: 0, DeleteTask: 0 },
  });
  files = await startFileServer();
  assets.active = await makeAsset(png(640, 640));
  assets.foreign = await makeAsset(png(640, 640), 'Image', 'proj-b');
  assets.video = await makeAsset(videoLasting(2), 'Video');
  assets.video10a = await makeAsset(videoLasting(10), 'Video');
  assets.video10b = await makeAsset(videoLasting(10), 'Video');
  sim.control.forceAssetFailure('ContentRestricted');
  assets.failed = await makeAsset(png(640, 640));
  sim.control.forceAssetFailure(null);
  for (const id of [assets.active, assets.video, assets.video10a, assets.video10b, assets.failed])
    await settledAsset(sim, id);
  await settledAsset(sim, assets.foreign, 'proj-b');
  sim.control.update({ assetDelayMs: [1e9, 1e9] });
  assets.processing = await makeAsset(png(640, 640));
  sim.control.update({ assetDelayMs: [5_000, 13_000] });
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

const text = (t = 'Image 1 smiles') => ({ type: 'text', text: t });
const image = (url: string, role = 'reference_image') => ({ type: 'image_url', image_url: { url }, role });
const videoRef = (url: string) => ({ type: 'video_url', video_url: { url }, role: 'reference_video' });
const audioRef = (url: string) => ({ type: 'audio_url', audio_url: { url }, role: 'reference_audio' });
const http = 'https://example.com/x.png';

async function createTask(body: Record<string, unknown>): Promise<string> {
  const r = await arkCall(sim, 'POST', '', { model: MODEL, ...body });
  if (r.status !== 200) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

async function finalTask(s: Simulator, id: string): Promise<Record<string, unknown>> {
  return until(async () => {
    const r = await arkCall(s, 'GET', `/${id}`);
    return ['queued', 'running'].includes(r.body.status as string) ? undefined : r.body;
  });
}

describe('authentication', () => {
  it.each([
    ['POST', ''],
    ['GET', ''],
    ['GET', '/cgt-x'],
    ['DELETE', '/cgt-x'],
  ])(
    'answers %s tasks%s with 401 AuthenticationError without or with a wrong Bearer token',
    async (method, path) => {
      const none = await arkCall(sim, method, path, method === 'POST' ? {} : undefined, { token: null });
      const wrong = await arkCall(sim, method, path, method === 'POST' ? {} : undefined, {
        token: 'sk-wrong',
      });
      for (const r of [none, wrong]) {
        expect(r.status).toBe(401);
        expect(r.body.error).toMatchObject({ code: 'AuthenticationError', type: 'Unauthorized' });
      }
    },
  );
});

describe('task lifecycle', () => {
  it('goes queued → running → succeeded and reports the documented fields', async () => {
    // Prepare
    // Polled every few ms: the GetTask limit is lifted (limits.test.ts covers it).
    const paced = await startSimulator({
      port: 0,
      taskQueuedMs: 400,
      taskRunningMs: 400,
      seed: 5,
      taskRateLimits: { GetTask: 0 },
    });
    try {
      const created = await arkCall(paced, 'POST', '', {
        model: MODEL,
        content: [text(), image(http)],
        ratio: '16:9',
        duration: 5,
        resolution: '720p',
      });
      const id = created.body.id as string;

      // Act
      const seen: string[] = [];
      const final = await until(async () => {
        const r = await arkCall(paced, 'GET', `/${id}`);
        const status = r.body.status as string;
        if (seen.at(-1) !== status) seen.push(status);
        return status === 'succeeded' ? r.body : undefined;
      });

      // Assess
      expect(created.status).toBe(200);
      expect(id).toMatch(/^cgt-\d{14}-[a-z0-9]{5}$/);
      expect(seen).toEqual(['queued', 'running', 'succeeded']);
      expect(final).toEqual({
        id,
        model: MODEL,
        status: 'succeeded',
        error: null,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        content: { video_url: expect.stringContaining('/_media/tasks/') },
        seed: expect.any(Number),
        resolution: '720p',
        ratio: '16:9',
        duration: 5,
        framespersecond: 24,
        generate_audio: true,
        watermark: false,
        return_last_frame: false,
        execution_expires_after: 172800,
        usage: { completion_tokens: 108_900, total_tokens: 108_900 },
      });
      expect(final.updated_at as number).toBeGreaterThanOrEqual(final.created_at as number);
    } finally {
      await paced.close();
    }
  });

  it('serves the API without the /seedance prefix too', async () => {
    const r = await arkCall(sim, 'POST', '', { model: MODEL, content: [text()] }, { prefix: '' });
    const got = await arkCall(sim, 'GET', `/${r.body.id as string}`, undefined, { prefix: '' });
    expect(r.status).toBe(200);
    expect(got.status).toBe(200);
  });

  it('resolves duration -1, seed -1 and ratio adaptive to concrete values', async () => {
    const id = await createTask({ content: [text()], duration: -1, seed: -1 });
    const t = (await arkCall(sim, 'GET', `/${id}`)).body;
    expect(t.duration as number).toBeGreaterThanOrEqual(4);
    expect(t.duration as number).toBeLessThanOrEqual(15);
    expect(t.seed as number).toBeGreaterThanOrEqual(0);
    expect(t.ratio).toBe('16:9');
  });

  it('ends failed with the forced code and no content', async () => {
    // Prepare
    sim.control.forceTaskOutcome({
      status: 'failed',
      code: 'OutputVideoSensitiveContentDetected',
      message: 'nope',
    });
    const id = await createTask({ content: [text()] }).finally(() => sim.control.forceTaskOutcome(null));

    // Act
    const t = await finalTask(sim, id);

    // Assess
    expect(t).toMatchObject({
      status: 'failed',
      error: { code: 'OutputVideoSensitiveContentDetected', message: 'nope' },
    });
    expect(t.content).toBeUndefined();
    expect(t.usage).toBeUndefined();
  });

  it('ends expired when forced, and when execution_expires_after passes before it runs', async () => {
    // Prepare
    sim.control.forceTaskOutcome({ status: 'expired' });
    const forced = await createTask({ content: [text()] }).finally(() => sim.control.forceTaskOutcome(null));
    const slow = await startSimulator({ port: 0, timeScale: 0.0001, taskQueuedMs: 1e8 });
    try {
      const created = await arkCall(slow, 'POST', '', {
        model: MODEL,
        content: [text()],
        execution_expires_after: 3600,
      });

      // Act
      const f = await finalTask(sim, forced);
      const natural = await finalTask(slow, created.body.id as string);

      // Assess
      expect(f).toMatchObject({ status: 'expired', error: { code: 'TaskExpired' } });
      expect(natural).toMatchObject({ status: 'expired', execution_expires_after: 3600 });
    } finally {
      await slow.close();
    }
  });

  it('forgets task records after 7 days (scaled)', async () => {
    const quick = await startSimulator({ port: 0, timeScale: 0.000001 });
    try {
      const id = (await arkCall(quick, 'POST', '', { model: MODEL, content: [text()] })).body.id as string;
      const early = await arkCall(quick, 'GET', `/${id}`);
      await sleep(700);
      const late = await arkCall(quick, 'GET', `/${id}`);
      expect(early.status).toBe(200);
      expect([late.status, late.body.error?.code]).toEqual([404, 'ResourceNotFound']);
    } finally {
      await quick.close();
    }
  });

  it('POSTs the task body to callback_url on each status change', async () => {
    // Prepare
    const received: Record<string, unknown>[] = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      // Act
      const id = await createTask({ content: [text()], callback_url: hookUrl });
      await until(async () => (received.some((b) => b.status === 'succeeded') ? true : undefined));

      // Assess
      expect(received.map((b) => b.status)).toEqual(['queued', 'running', 'succeeded']);
      expect(received[2]).toMatchObject({ id, content: { video_url: expect.any(String) } });
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});

describe('media links', () => {
  it('serves the playable MP4 and, with return_last_frame, the PNG; HEAD gives the length', async () => {
    // Prepare
    const id = await createTask({ content: [text()], return_last_frame: true });
    const t = await finalTask(sim, id);
    const { video_url, last_frame_url } = t.content as { video_url: string; last_frame_url: string };

    // Act
    const mp4 = await fetch(video_url);
    const frame = await fetch(last_frame_url);
    const head = await fetch(video_url, { method: 'HEAD' });

    // Assess
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await mp4.arrayBuffer())).toEqual(sampleMp4);
    expect(frame.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await frame.arrayBuffer())).toEqual(samplePng);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(sampleMp4.length);
  });

  it('has no last_frame_url without return_last_frame', async () => {
    const t = await finalTask(sim, await createTask({ content: [text()] }));
    expect(Object.keys(t.content as object)).toEqual(['video_url']);
  });

  it('pads the MP4 to videoBytes with a trailing free box, streamed', async () => {
    // Prepare
    const size = 3 * 1024 * 1024 + 7;
    const big = await startSimulator({ port: 0, timeScale: 0.001, videoBytes: size });
    try {
      const id = (await arkCall(big, 'POST', '', { model: MODEL, content: [text()] })).body.id as string;
      const t = await finalTask(big, id);

      // Act
      const body = Buffer.from(
        await (await fetch((t.content as { video_url: string }).video_url)).arrayBuffer(),
      );

      // Assess
      expect(body.length).toBe(size);
      expect(body.subarray(0, sampleMp4.length)).toEqual(sampleMp4);
      const box = body.subarray(sampleMp4.length, sampleMp4.length + 8);
      expect(box.readUInt32BE(0)).toBe(size - sampleMp4.length);
      expect(box.toString('latin1', 4, 8)).toBe('free');
    } finally {
      await big.close();
    }
  });

  it('answers 403 once linkTtlMs has passed since completion, and for a tampered link', async () => {
    // Prepare
    const short = await startSimulator({ port: 0, timeScale: 0.001, linkTtlMs: 700 });
    try {
      const id = (await arkCall(short, 'POST', '', { model: MODEL, content: [text()] })).body.id as string;
      const url = ((await finalTask(short, id)).content as { video_url: string }).video_url;

      // Act
      const fresh = await fetch(url);
      await fresh.arrayBuffer();
      const otherTask = await fetch(url.replace(id, 'cgt-20260101000000-aaaaa'));
      await sleep(750);
      const late = await fetch(url);

      // Assess
      expect(fresh.status).toBe(200);
      expect(otherTask.status).toBe(403);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('<Code>AccessDenied</Code>');
    } finally {
      await short.close();
    }
  });
});

describe('content rules → 400 InvalidParameter, no task created', () => {
  const cases: [string, Record<string, unknown>, string?][] = [
    ['no content', {}],
    ['empty content', { content: [] }],
    ['an unknown item type', { content: [{ type: 'file_url' }] }],
    ['two text items', { content: [text(), text()] }],
    ['an empty text', { content: [{ type: 'text', text: ' ' }] }],
    ['two first frames', { content: [text(), image(http, 'first_frame'), image(http, 'first_frame')] }],
    ['a last frame alone', { content: [text(), image(http, 'last_frame')] }],
    ['frames mixed with reference images', { content: [text(), image(http, 'first_frame'), image(http)] }],
    ['10 reference images', { content: [text(), ...Array.from({ length: 10 }, () => image(http))] }],
    ['an unknown image role', { content: [text(), image(http, 'background')] }],
    ['an ftp image URL', { content: [text(), image('ftp://example.com/a.png')] }],
    [
      '4 reference videos',
      { content: [text(), ...Array.from({ length: 4 }, () => videoRef('https://e.com/v.mp4'))] },
    ],
    [
      '4 reference audios',
      { content: [text(), image(http), ...Array.from({ length: 4 }, () => audioRef('https://e.com/a.wav'))] },
    ],
    ['audio without image or video', { content: [text(), audioRef('https://e.com/a.wav')] }],
    [
      'a video with the wrong role',
      { content: [text(), { ...videoRef('https://e.com/v.mp4'), role: 'reference_image' }] },
    ],
    ['ratio 2:1', { content: [text()], ratio: '2:1' }],
    ['resolution 4k on the fast model', { model: FAST, content: [text()], resolution: '4k' }],
    ['1080p on the fast model', { model: FAST, content: [text()], resolution: '1080p' }],
    ['duration 3', { content: [text()], duration: 3 }],
    ['duration 16', { content: [text()], duration: 16 }],
    ['duration 4.5', { content: [text()], duration: 4.5 }],
    ['seed -2', { content: [text()], seed: -2 }],
    ['seed 2^32', { content: [text()], seed: 2 ** 32 }],
    ['execution_expires_after 3599', { content: [text()], execution_expires_after: 3599 }],
    ['execution_expires_after 259201', { content: [text()], execution_expires_after: 259201 }],
    ['camera_fixed (not for 2.0)', { content: [text()], camera_fixed: true }],
    ['frames (not for 2.0)', { content: [text()], frames: 121 }],
    ['service_tier (not for 2.0)', { content: [text()], service_tier: 'flex' }],
    ['generate_audio as a string', { content: [text()], generate_audio: 'yes' }],
    ['an ftp callback_url', { content: [text()], callback_url: 'ftp://e.com/hook' }],
  ];

  it.each(cases)('refuses %s', async (_name, body) => {
    // Prepare
    const before = (await arkCall(sim, 'GET', '?page_size=1')).body.total;

    // Act
    const r = await arkCall(sim, 'POST', '', { model: MODEL, ...body });

    // Assess
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'InvalidParameter',
      type: 'BadRequest',
      message: expect.any(String),
    });
    expect((await arkCall(sim, 'GET', '?page_size=1')).body.total).toBe(before);
  });

  it('accepts the valid modes: first frame, first + last frame, 9 reference images, data URLs, audio with an image', async () => {
    const ok = [
      { content: [text(), image(http, 'first_frame')] },
      { content: [image(http, 'first_frame'), image(http, 'last_frame')] },
      { content: [text(), ...Array.from({ length: 9 }, () => image(http))] },
      { content: [text(), image('data:image/png;base64,iVBORw0KGgo=')] },
      { content: [text(), image(http), audioRef('https://e.com/a.wav')] },
      { content: [text(), videoRef(`asset://${assets.video}`)] },
      { model: FAST, content: [text()], resolution: '720p' },
    ];
    for (const body of ok) {
      const r = await arkCall(sim, 'POST', '', { model: MODEL, ...body });
      expect(r.status, JSON.stringify(body)).toBe(200);
    }
  });

  it('answers 404 InvalidEndpointOrModel.NotFound for an unknown model', async () => {
    const r = await arkCall(sim, 'POST', '', { model: 'doubao-seedance-1-0-pro', content: [text()] });
    expect(r.status).toBe(404);
    expect(r.body.error?.code).toBe('InvalidEndpointOrModel.NotFound');
  });

  it('accepts an Active asset:// of the token project and refuses unknown, Processing, Failed and foreign ones', async () => {
    // Act
    const ok = await arkCall(sim, 'POST', '', {
      model: MODEL,
      content: [text(), image(`asset://${assets.active}`)],
    });
    const refused = await Promise.all(
      ['asset-20260101000000-nope0', assets.processing, assets.failed, assets.foreign].map((id) =>
        arkCall(sim, 'POST', '', { model: MODEL, content: [text(), image(`asset://${id}`)] }),
      ),
    );

    // Assess
    expect(ok.status).toBe(200);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('InvalidParameter');
      expect(r.body.error?.message).toMatch(/The specified asset .* is not found/);
    }
  });

  it('follows tokenProject: the foreign project becomes the usable one', async () => {
    // Prepare
    sim.control.update({ tokenProject: 'proj-b' });
    try {
      // Act
      const foreign = await arkCall(sim, 'POST', '', {
        model: MODEL,
        content: [text(), image(`asset://${assets.foreign}`)],
      });
      const home = await arkCall(sim, 'POST', '', {
        model: MODEL,
        content: [text(), image(`asset://${assets.active}`)],
      });

      // Assess
      expect(foreign.status).toBe(200);
      expect(home.status).toBe(400);
    } finally {
      sim.control.update({ tokenProject: 'default' });
    }
  });

  it('refuses a video asset as an image and reference videos over 15 s in total', async () => {
    const asImage = await arkCall(sim, 'POST', '', {
      model: MODEL,
      content: [text(), image(`asset://${assets.video}`)],
    });
    const tooLong = await arkCall(sim, 'POST', '', {
      model: MODEL,
      content: [text(), videoRef(`asset://${assets.video10a}`), videoRef(`asset://${assets.video10b}`)],
    });
    expect(asImage.body.error?.code).toBe('InvalidParameter');
    expect(tooLong.body.error?.message).toMatch(/15 s/);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${sim.url}/seedance/api/v3/contents/generations/tasks`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sim-demo-token', 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InvalidParameter');
  });
});

describe('DELETE semantics', () => {
  async function taskIn(phase: 'queued' | 'running' | 'succeeded'): Promise<string> {
    const times = { queued: [1e9, 0], running: [0, 1e9], succeeded: [0, 0] }[phase];
    sim.control.update({ taskQueuedMs: times[0], taskRunningMs: times[1] });
    try {
      return await createTask({ content: [text()] });
    } finally {
      sim.control.update({ taskQueuedMs: 20_000, taskRunningMs: 60_000 });
    }
  }

  it('cancels a queued task; the record stays, cancelled, and cannot be deleted', async () => {
    const id = await taskIn('queued');
    const del = await arkCall(sim, 'DELETE', `/${id}`);
    const after = await arkCall(sim, 'GET', `/${id}`);
    const again = await arkCall(sim, 'DELETE', `/${id}`);
    expect([del.status, del.body]).toEqual([200, {}]);
    expect(after.body.status).toBe('cancelled');
    expect([again.status, again.body.error?.code]).toEqual([409, 'TaskNotCancellable']);
  });

  it('refuses to delete a running task with 409 TaskNotCancellable', async () => {
    const id = await taskIn('running');
    const del = await arkCall(sim, 'DELETE', `/${id}`);
    expect([del.status, del.body.error?.code]).toEqual([409, 'TaskNotCancellable']);
    expect((await arkCall(sim, 'GET', `/${id}`)).body.status).toBe('running');
  });

  it('deletes the record of a succeeded, failed or expired task', async () => {
    // Prepare
    const succeeded = await taskIn('succeeded');
    sim.control.forceTaskOutcome({ status: 'failed' });
    const failed = await taskIn('succeeded');
    sim.control.forceTaskOutcome({ status: 'expired' });
    const expired = await taskIn('succeeded');
    sim.control.forceTaskOutcome(null);

    // Act / Assess
    for (const id of [succeeded, failed, expired]) {
      await finalTask(sim, id);
      const del = await arkCall(sim, 'DELETE', `/${id}`);
      const get = await arkCall(sim, 'GET', `/${id}`);
      expect(del.status).toBe(200);
      expect([get.status, get.body.error?.code]).toEqual([404, 'ResourceNotFound']);
    }
  });

  it('answers 404 ResourceNotFound for an unknown task', async () => {
    const r = await arkCall(sim, 'DELETE', '/cgt-20260101000000-nope0');
    expect([r.status, r.body.error?.code]).toEqual([404, 'ResourceNotFound']);
  });
});

describe('listing tasks', () => {
  it('pages newest first and filters by status, task IDs and model', async () => {
    // Prepare: ten lists in a row, so ListTasks' 1 QPS is lifted (limits.test.ts covers it).
    const own = await startSimulator({ port: 0, timeScale: 0.001, taskRateLimits: { ListTasks: 0 } });
    try {
      const ids: string[] = [];
      for (const model of [MODEL, FAST, MODEL]) {
        ids.push((await arkCall(own, 'POST', '', { model, content: [text()] })).body.id as string);
        await sleep(2);
      }
      await finalTask(own, ids[2]!);
      own.control.update({ taskQueuedMs: 1e9 });
      const queued = (await arkCall(own, 'POST', '', { model: MODEL, content: [text()] })).body.id as string;

      // Act
      const p1 = await arkCall(own, 'GET', '?page_num=1&page_size=2');
      const p2 = await arkCall(own, 'GET', '?page_num=2&page_size=2');
      const byStatus = await arkCall(own, 'GET', '?filter.status=queued');
      const byIdsComma = await arkCall(own, 'GET', `?filter.task_ids=${ids[0]},${ids[1]}`);
      const byIdsRepeat = await arkCall(own, 'GET', `?filter.task_ids=${ids[0]}&filter.task_ids=${ids[2]}`);
      const byModel = await arkCall(own, 'GET', `?filter.model=${FAST}`);
      const bad = await Promise.all(
        ['?page_size=0', '?page_size=501', '?page_num=x', '?filter.status=done'].map((q) =>
          arkCall(own, 'GET', q),
        ),
      );

      // Assess
      const idsOf = (r: Awaited<ReturnType<typeof arkCall>>) =>
        (r.body.items as { id: string }[]).map((t) => t.id);
      expect(p1.body.total).toBe(4);
      expect([...idsOf(p1), ...idsOf(p2)]).toEqual([queued, ids[2], ids[1], ids[0]]);
      expect(idsOf(byStatus)).toEqual([queued]);
      expect(new Set(idsOf(byIdsComma))).toEqual(new Set([ids[0], ids[1]]));
      expect(new Set(idsOf(byIdsRepeat))).toEqual(new Set([ids[0], ids[2]]));
      expect(idsOf(byModel)).toEqual([ids[1]]);
      for (const r of bad) expect([r.status, r.body.error?.code]).toEqual([400, 'InvalidParameter']);
    } finally {
      await own.close();
    }
  });
});

describe('task rate limit', () => {
  it('answers 429 ModelAccountRpmRateLimitExceeded beyond taskRpm creations per minute', async () => {
    // Prepare
    const limited = await startSimulator({ port: 0, timeScale: 0.001, taskRpm: 2 });
    try {
      // Act
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await arkCall(limited, 'POST', '', { model: MODEL, content: [text()] }));
      const list = await arkCall(limited, 'GET', '');

      // Assess
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect(answers[2]?.body.error).toMatchObject({
        code: 'ModelAccountRpmRateLimitExceeded',
        type: 'TooManyRequests',
      });
      expect(list.status).toBe(200);
      expect(limited.control.counters().CreateTask).toEqual({ calls: 3, ok: 2, throttled: 1, faulted: 0 });
    } finally {
      await limited.close();
    }
  });
});
