import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../cli/main';
import { makeAvatarPng } from '../../local/avatar';
import { FAKE_CREDENTIALS, FAKE_MP4, startFakeApi, type FakeApi } from './cli-fake-api';

class Capture {
  text = '';
  constructor(readonly isTTY = false) {}
  write(s: string) {
    this.text += s;
    return true;
  }
}

let api: FakeApi;
let dir: string;
let avatarPath: string;

beforeAll(async () => {
  api = await startFakeApi();
  dir = await mkdtemp(join(tmpdir(), 'cli-commands-'));
  avatarPath = join(dir, 'avatar.png');
  await writeFile(avatarPath, makeAvatarPng({ width: 320, height: 400 }));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  api.calls.length = 0;
  api.files.length = 0;
});
afterEach(() => {
  api.uploadScript = [{ status: 'validating' }, { status: 'ingesting' }, { status: 'active' }];
  api.videoScript = [
    { status: 'queued' },
    { status: 'running' },
    { status: 'saving' },
    { status: 'succeeded' },
  ];
});

async function cli(...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(['--api', api.url, ...args], {
    stdout,
    stderr,
    env: {
      LOCAL_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      LOCAL_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    },
    sleep: () => Promise.resolve(),
  });
  return { code, out: stdout.text, err: stderr.text };
}

describe('seedance groups', () => {
  it('creates a group with a signed call and prints it as JSON', async () => {
    // Act
    const r = await cli('groups', 'create', 'Alice', '--description', 'lead', '--json');

    // Assess
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      name: 'Alice',
      description: 'lead',
      groupId: expect.stringMatching(/^group-/),
    });
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/groups',
      body: { name: 'Alice', description: 'lead' },
      signatureOk: true,
    });
  });

  it('lists groups as a table for people', async () => {
    // Prepare
    await cli('groups', 'create', 'Bob');

    // Act
    const r = await cli('groups', 'list');

    // Assess
    expect(r.code).toBe(0);
    const [header, ...rows] = r.out.trim().split('\n');
    expect(header).toMatch(/^GROUP\s+NAME\s+CREATED\s+DESCRIPTION$/);
    expect(rows.some((l) => /^group-\d+\s+Bob\s+2026-04-21 12:00:00Z/.test(l))).toBe(true);
    expect(rows.at(-1)).toMatch(/of \d+ \(page 1\)$/);
  });

  it('exits 1 with the code, message and hint of an API error', async () => {
    // Act
    const r = await cli('groups', 'get', 'group-missing');

    // Assess
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('Error: NotFound: group group-missing was not found');
    expect(r.err).toContain('Hint: Pass the right ProjectName');
  });

  it('writes the error as JSON on stderr with --json', async () => {
    // Act
    const r = await cli('groups', 'delete', 'group-missing', '--json');

    // Assess
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toEqual({
      error: {
        code: 'NotFound',
        message: 'group group-missing was not found',
        hint: 'Pass the right ProjectName',
        status: 404,
      },
    });
  });

  it('signs with the AWS credential chain with --no-local', async () => {
    // Prepare
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;

    // Act
    const r = await cli('--no-local', '--region', 'eu-west-1', 'groups', 'list', '--json').finally(() => {
      for (const [k, v] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]?.signatureOk).toBe(true);
    expect(api.calls[0]?.headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
  });

  it('exits 2 on a usage mistake', async () => {
    // Act
    const r = await cli('groups', 'frobnicate');

    // Assess
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });
});

describe('seedance upload', () => {
  it('declares, posts and follows an image until its asset is active', async () => {
    // Act
    const r = await cli('upload', avatarPath, '--group', 'group-7', '--wait', '--json');

    // Assess
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.out) as Record<string, unknown>[];
    expect(result).toMatchObject({
      file: avatarPath,
      groupId: 'group-7',
      status: 'active',
      assetUri: expect.stringMatching(/^asset:\/\/asset-upl-/),
    });
    const declare = api.calls.find((c) => c.method === 'POST' && c.path === '/groups/group-7/uploads');
    const png = await readFile(avatarPath);
    expect(declare?.body).toEqual({
      fileName: 'avatar.png',
      contentType: 'image/png',
      contentLength: png.length,
    });
    expect(api.files).toHaveLength(1);
    expect(api.files[0]?.bytes.equals(png)).toBe(true);
    expect(api.files[0]?.contentType).toBe('image/png');
    expect(Object.keys(api.files[0]?.fields ?? {})).toEqual([
      'key',
      'Content-Type',
      'Policy',
      'X-Amz-Signature',
    ]);
    expect(api.calls.filter((c) => c.method === 'GET').length).toBe(3);
  });

  it('prints a progress line per status change and the result table', async () => {
    // Prepare
    const png = await readFile(avatarPath);

    // Act
    const r = await cli('upload', avatarPath, '-g', 'group-7', '--wait');

    // Assess
    expect(r.code).toBe(0);
    const progress = r.err.trim().split('\n');
    expect(progress.map((l) => l.replace(/ \([\d.]+s\)$/, ''))).toEqual([
      `${avatarPath}: uploading ${(png.length / 1024).toFixed(1)} KB as image/png`,
      expect.stringMatching(new RegExp(`^${avatarPath}: uploaded, upload upl-\\d+$`)),
      `${avatarPath}: validating`,
      `${avatarPath}: ingesting`,
      expect.stringMatching(new RegExp(`^${avatarPath}: active asset://asset-upl-\\d+$`)),
    ]);
    expect(r.out).toMatch(/^FILE\s+UPLOAD\s+STATUS\s+ASSET\s+REASON\n/);
  });

  it('shows the rejection reasons and exits 1 when an image is rejected', async () => {
    // Prepare
    api.uploadScript = [
      { status: 'validating' },
      {
        status: 'rejected',
        error: {
          code: 'ImageRejected',
          message: 'the image breaks the asset rules',
          details: { reasons: ['WidthTooSmall: 200 px < 300 px'] },
        },
      },
    ];

    // Act
    const r = await cli('upload', avatarPath, '-g', 'group-7', '--wait');

    // Assess
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'ImageRejected: the image breaks the asset rules (WidthTooSmall: 200 px < 300 px)',
    );
    expect(r.err).toContain('rejected: ImageRejected');
    expect(r.err).toContain('Error: UploadRejected: 1 of 1 upload(s) did not become active');
  });

  it('reports storage refusing the POST and goes on with the next file', async () => {
    // Prepare
    const refused = join(dir, 'refuse.png');
    await writeFile(refused, makeAvatarPng({ width: 320, height: 400 }));

    // Act
    const r = await cli('upload', refused, avatarPath, '-g', 'group-7', '--json');

    // Assess
    expect(r.code).toBe(1);
    const results = JSON.parse(r.out) as { status: string; error?: { code: string } }[];
    expect(results.map((x) => x.status)).toEqual(['error', 'uploaded']);
    expect(results[0]?.error?.code).toBe('AccessDenied');
    expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'AccessDenied' } });
  });

  it('shows one upload status with uploads get', async () => {
    // Prepare
    const up = await cli('upload', avatarPath, '-g', 'group-7', '--json');
    const [{ uploadId }] = JSON.parse(up.out) as [{ uploadId: string }];

    // Act
    const r = await cli('uploads', 'get', uploadId, '--group', 'group-7');

    // Assess
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`uploadId: +${uploadId}\\ngroupId: +group-7\\nstatus: +validating`));
  });
});

describe('seedance assets', () => {
  it('accepts asset:// IDs and strips the scheme', async () => {
    // Act
    const r = await cli('assets', 'get', 'asset://asset-42', '--json');

    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]?.path).toBe('/assets/asset-42');
  });

  it('adopts an asset with POST /assets', async () => {
    // Act
    const r = await cli('assets', 'adopt', 'asset-9');

    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]).toMatchObject({ method: 'POST', path: '/assets', body: { assetId: 'asset-9' } });
    expect(r.out).toMatch(/assetUri: +asset:\/\/asset-9/);
  });

  it('lists the assets of a group with the status filter', async () => {
    // Act
    const r = await cli('assets', 'list', '--group', 'group-1', '--status', 'active');

    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]).toMatchObject({ path: '/groups/group-1/assets', query: { status: 'active' } });
    expect(r.out).toMatch(/asset:\/\/asset-1\s+active\s+a\.png/);
  });
});

describe('seedance usage', () => {
  it('asks GET /usage for the range and grouping, signed, and prints a table with the total', async () => {
    // Act
    const r = await cli('usage', '--from', '2026-12-01', '--to', '2026-12-02', '--group-by', 'model');
    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]).toMatchObject({
      method: 'GET',
      path: '/usage',
      query: { from: '2026-12-01', to: '2026-12-02', groupBy: 'model' },
      signatureOk: true,
    });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Videos created 2026-12-01 00:00:00Z to 2026-12-02 23:59:59Z; cost is an estimate in CNY',
    );
    expect(lines[1]).toMatch(/^MODEL\s+VIDEOS\s+TOKENS\s+COST \(CNY\)\s+UNPRICED$/);
    expect(lines[2]).toMatch(/^doubao-seedance-2-0-260128\s+1\s+108,900\s+5\.0094\s+-$/);
    expect(lines[4]).toMatch(/^doubao-seedance-2-5-260628\s+1\s+1,109,100\s+0\.0000\s+1$/);
    expect(lines[5]).toMatch(/^TOTAL\s+3\s+1,305,300\s+8\.2395\s+1$/);
    expect(lines[6]).toMatch(/^UNPRICED: /);
  });

  it('prints the report as JSON with --json, and sends no range it was not given', async () => {
    // Act
    const r = await cli('usage', '--json');
    // Assess
    expect(r.code).toBe(0);
    expect(api.calls[0]?.query).toEqual({});
    expect(JSON.parse(r.out)).toMatchObject({ currency: 'CNY', total: { videos: 3 } });
  });

  it('refuses an unknown --group-by before calling the API (exit 2)', async () => {
    // Act
    const r = await cli('usage', '--group-by', 'week');
    // Assess
    expect(r.code).toBe(2);
    expect(api.calls).toHaveLength(0);
  });
});

describe('seedance video', () => {
  it('creates a video, waits and saves the MP4', async () => {
    // Prepare
    const out = join(dir, 'out', 'v.mp4');

    // Act
    const r = await cli(
      'video',
      'create',
      '--prompt',
      'Image 1 waves',
      '--ref',
      'asset://asset-1',
      'asset-2',
      '--ratio',
      '3:4',
      '--duration',
      '5',
      '--no-audio',
      '--out',
      out,
      '--json',
    );

    // Assess
    expect(r.code).toBe(0);
    const job = JSON.parse(r.out) as Record<string, unknown>;
    expect(job).toMatchObject({ status: 'succeeded', file: out, bytes: FAKE_MP4.length });
    expect((await readFile(out)).equals(FAKE_MP4)).toBe(true);
    const create = api.calls.find((c) => c.method === 'POST' && c.path === '/videos');
    expect(create?.body).toEqual({
      prompt: 'Image 1 waves',
      references: [{ assetId: 'asset-1' }, { assetId: 'asset-2' }],
      ratio: '3:4',
      duration: 5,
      generateAudio: false,
    });
    expect(create?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prints a line per status with the elapsed time when not on a terminal', async () => {
    // Act
    const r = await cli(
      'video',
      'create',
      '-p',
      'Image 1 smiles',
      '--first-frame',
      'https://example.com/a.png',
      '--wait',
    );

    // Assess
    expect(r.code).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^Started vid-\d+ \(queued\)$/);
    expect(lines.slice(1).map((l) => l.split('  ')[1])).toEqual(['queued', 'running', 'saving', 'succeeded']);
    expect(lines[1]).toMatch(/^vid-\d+ {2}queued {2}\d+\.\ds$/);
    expect(r.out).toMatch(/status: +succeeded/);
  });

  it('exits 1 with the upstream code when the video fails', async () => {
    // Prepare
    api.videoScript = [
      { status: 'running' },
      {
        status: 'failed',
        error: {
          code: 'OutputVideoSensitiveContentDetected',
          message: 'moderation',
          details: { hint: 'Change the prompt.' },
        },
      },
    ];

    // Act
    const r = await cli('video', 'create', '-p', 'x', '--wait', '--out', join(dir, 'never.mp4'));

    // Assess
    expect(r.code).toBe(1);
    expect(r.err).toContain('Error: OutputVideoSensitiveContentDetected: Video vid-');
    expect(r.err).toContain('Hint: Change the prompt.');
    await expect(readFile(join(dir, 'never.mp4'))).rejects.toThrow();
  });

  it('gives up waiting at --timeout with WaitTimeout', async () => {
    // Prepare
    api.videoScript = [{ status: 'running' }];

    // Act
    const r = await cli(
      'video',
      'create',
      '-p',
      'x',
      '--wait',
      '--timeout',
      '0.05',
      '--poll-interval',
      '0.01',
    );

    // Assess
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Error: WaitTimeout: Gave up waiting after .*: video vid-\d+ is still running/);
  });

  it('lists videos with the next token and cancels one', async () => {
    // Prepare
    const created = await cli('video', 'create', '-p', 'x', '--json');
    const { videoId } = JSON.parse(created.out) as { videoId: string };

    // Act
    const list = await cli('video', 'list', '--status', 'running');
    const cancel = await cli('video', 'cancel', videoId);

    // Assess
    expect(list.out).toContain(videoId);
    expect(list.out).toContain('More: --next-token tok-2');
    expect(cancel.code).toBe(0);
    expect(api.calls.at(-1)).toMatchObject({ method: 'DELETE', path: `/videos/${videoId}` });
  });

  it('refuses a bad number before calling the API', async () => {
    // Act
    const r = await cli('video', 'create', '-p', 'x', '--duration', 'five');

    // Assess
    expect(r.code).toBe(2);
    expect(r.err).toContain('must be an integer');
    expect(api.calls).toHaveLength(0);
  });
});
