import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../cli/api-client';
import { createSigner } from '../../cli/signing';
import { FAKE_CREDENTIALS, FAKE_MP4, startFakeApi, type FakeApi } from './cli-fake-api';

let api: FakeApi;
let dir: string;
const sleeps: number[] = [];

const client = (credentials = FAKE_CREDENTIALS, baseUrl = api.url) =>
  new ApiClient({
    baseUrl,
    signer: createSigner({ credentials, region: 'us-east-1' }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    connectionHint: 'Start the local stack with `npm start`.',
  });

beforeAll(async () => {
  api = await startFakeApi();
  dir = await mkdtemp(join(tmpdir(), 'cli-client-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  api.calls.length = 0;
  sleeps.length = 0;
});

describe('ApiClient calls', () => {
  it('signs with SigV4 for execute-api, including the port, the query and the body', async () => {
    // Act
    await client().createGroup({ name: 'a b', description: 'ü' });
    await client().listGroups({ name: 'a b&c', pageSize: 5 });

    // Assess
    expect(api.calls.map((c) => c.signatureOk)).toEqual([true, true]);
    expect(api.calls[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, /,
    );
    expect(api.calls[1]?.query).toEqual({ name: 'a b&c', pageSize: '5' });
  });

  it('keeps a stage path of the base URL', async () => {
    // Act
    const err = await client(FAKE_CREDENTIALS, `${api.url}/prod/`)
      .getGroup('group-1')
      .catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ApiCallError);
    expect(api.calls[0]?.path).toBe('/prod/groups/group-1');
  });

  it("turns API Gateway's own auth answers into a code and a credentials hint", async () => {
    // Act
    const err = await client({ ...FAKE_CREDENTIALS, secretAccessKey: 'wrong' })
      .listGroups()
      .catch((e: unknown) => e);

    // Assess
    expect(err).toMatchObject({ status: 403, code: 'InvalidSignatureException' });
    expect((err as ApiCallError).hint).toMatch(/AWS credentials/);
  });

  it("reads the contract's error body and its details.hint", async () => {
    // Prepare
    api.failNext(
      'POST',
      '/videos',
      400,
      {
        error: {
          code: 'InvalidParameter',
          message: 'asset not found',
          details: { hint: 'Ingest with the gateway AK/SK.' },
        },
      },
      { 'x-amzn-requestid': 'req-1' },
    );

    // Act
    const err = await client()
      .createVideo({ prompt: 'x' }, 'key-1')
      .catch((e: unknown) => e);

    // Assess
    expect((err as ApiCallError).toJSON()).toEqual({
      status: 400,
      code: 'InvalidParameter',
      message: 'asset not found',
      hint: 'Ingest with the gateway AK/SK.',
      requestId: 'req-1',
      details: { hint: 'Ingest with the gateway AK/SK.' },
    });
  });

  it('retries a throttled GET after Retry-After, but not a POST without an idempotency key', async () => {
    // Prepare
    const throttled = { error: { code: 'UpstreamThrottled', message: 'slow down' } };
    api.failNext('GET', '/groups', 503, throttled, { 'retry-after': '2' });
    api.failNext('POST', '/groups', 503, throttled, { 'retry-after': '2' });

    // Act
    const page = await client().listGroups();
    const err = await client()
      .createGroup({ name: 'x' })
      .catch((e: unknown) => e);

    // Assess
    expect(page.items).toBeInstanceOf(Array);
    expect(sleeps).toEqual([2000]);
    expect(err).toMatchObject({ status: 503, code: 'UpstreamThrottled' });
  });

  it('retries a throttled POST that carries an idempotency key, with the same key', async () => {
    // Prepare
    api.failNext('POST', '/videos', 429, { error: { code: 'TooManyRequests', message: 'slow' } });

    // Act
    const job = await client().createVideo({ prompt: 'x' }, 'key-2');

    // Assess
    expect(job.status).toBe('queued');
    expect(api.calls.filter((c) => c.path === '/videos').map((c) => c.headers['idempotency-key'])).toEqual([
      'key-2',
      'key-2',
    ]);
  });

  it('reports a refused connection with status 0 and the hint, without the path', async () => {
    // Prepare
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));

    // Act
    const err = await client(FAKE_CREDENTIALS, `http://127.0.0.1:${port}`)
      .getVideo('vid-1')
      .catch((e: unknown) => e);

    // Assess
    expect(err).toMatchObject({
      status: 0,
      code: 'ConnectionFailed',
      hint: 'Start the local stack with `npm start`.',
    });
    expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
  });

  it('times out a call that never answers', async () => {
    // Prepare
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const slow = new ApiClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 100,
    });

    // Act
    const err = await slow.listVideos().catch((e: unknown) => e);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));

    // Assess
    expect(err).toMatchObject({ status: 0, code: 'Timeout' });
  });
});

describe('ApiClient storage', () => {
  it('posts the presigned fields, then the file, as multipart/form-data', async () => {
    // Prepare
    const bytes = new Uint8Array([1, 2, 3, 4]);

    // Act
    await client().uploadToPresignedPost(
      { url: `${api.url}/storage`, fields: { key: 'incoming/x', Policy: 'p' } },
      bytes,
      'image/png',
      'x.png',
    );

    // Assess
    const file = api.files.at(-1);
    expect(file).toMatchObject({
      fileName: 'x.png',
      contentType: 'image/png',
      fields: { key: 'incoming/x', Policy: 'p' },
    });
    expect([...(file?.bytes ?? [])]).toEqual([1, 2, 3, 4]);
  });

  it("reads S3's XML error and never repeats the URL", async () => {
    // Act
    const err = await client()
      .uploadToPresignedPost(
        { url: `${api.url}/storage?X-Amz-Signature=secret`, fields: { key: 'incoming/refuse' } },
        new Uint8Array([1]),
        'image/png',
        'r.png',
      )
      .catch((e: unknown) => e);

    // Assess
    expect(err).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Policy expired' });
    expect(JSON.stringify((err as ApiCallError).toJSON())).not.toContain('secret');
  });

  it('streams a download into place through a .part file', async () => {
    // Prepare
    const dest = join(dir, 'nested', 'v.mp4');
    const seen: number[] = [];

    // Act
    const n = await client().download(`${api.url}/files/v.mp4?X-Amz-Signature=s`, dest, (t) => seen.push(t));

    // Assess
    expect(n).toBe(FAKE_MP4.length);
    expect((await readFile(dest)).equals(FAKE_MP4)).toBe(true);
    expect(seen.at(-1)).toBe(FAKE_MP4.length);
    expect(await readdir(join(dir, 'nested'))).toEqual(['v.mp4']);
  });
});
