// The four video routes: the state table on dynalite (reads come only from it), Step Functions mocked
// with aws-sdk-client-mock for starts and stops (one stateful fake execution store), the upstream asset
// library and task API served by the simulator, presigned links signed offline. Also checks that no log
// line carries a token or a presigned URL.
import { resetS3Client } from '../../functions/shared/s3';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssetsClient } from '../../functions/core/volcengine';
import type { VideoJobInput } from '../../functions/core/video';
import { logger } from '../../functions/shared/logger';
import { VIDEO_RANK, type RecordChange } from '../../functions/core/records';
import type { VideoStatus } from '../../functions/core/api-schemas/videos';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { resetAwsClients } from '../../functions/shared/lazy-client';
import { startTestTable, type TestTable } from '../support/state-table';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim';
import { apiEvent, errorCode, lambdaContext, parseResult, type EventInit } from './api-event';

const SM_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Video';
const execArn = (id: string) => `arn:aws:states:us-east-1:123456789012:execution:Video:${id}`;
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const logLines: string[] = [];

let sim: Simulator;
let images: Server;
let activeImage: string;
let processingImage: string;

interface FakeExecution {
  name: string;
  status: ExecutionStatus;
  input: string;
  error?: string;
  cause?: string;
}
let executions: Map<string, FakeExecution>;
let table: TestTable;

/** Starts and stops only: no request path may read Step Functions (any other command is refused). */
function fakeStepFunctions(): void {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((i: { name: string; input: string }) => {
    const e = executions.get(i.name);
    // AWS: the same name and input as a RUNNING execution returns it; otherwise ExecutionAlreadyExists.
    if (e && !(e.status === 'RUNNING' && e.input === i.input))
      throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
    if (!e) executions.set(i.name, { name: i.name, status: 'RUNNING', input: i.input });
    return { executionArn: execArn(i.name), startDate: new Date() };
  });
  sfn.on(StopExecutionCommand).callsFake((i: { executionArn: string; error: string; cause: string }) => {
    const e = executions.get(i.executionArn.split(':').pop() ?? '');
    if (e) Object.assign(e, { status: 'ABORTED', error: i.error, cause: i.cause });
    return { stopDate: new Date() };
  });
}

const records = () => new DynamoRecordStore(table.table);
const T0 = '2026-01-01T00:00:00.000Z';

/** Writes a video's record as the steps would have left it. */
async function seed(id: string, status: VideoStatus, set: Record<string, unknown> = {}, createdAt = T0) {
  const change: RecordChange = {
    kind: 'video',
    id,
    status,
    rank: VIDEO_RANK[status],
    at: new Date(),
    set,
    setIfMissing: {
      createdAt,
      model: 'm',
      taskLookup: { model: 'doubao-seedance-2-0-260128', seed: 1, seedIsOurs: true },
    },
  };
  await records().advance(change, 86_400);
  if (!executions.has(id)) executions.set(id, { name: id, status: 'RUNNING', input: '{}' });
}

type Route = 'create-video' | 'get-video' | 'list-videos' | 'cancel-video';
async function call(route: Route, init: EventInit = {}) {
  const mod = (await import(`../../functions/api/${route}.ts`)) as {
    handler: (
      e: ReturnType<typeof apiEvent>,
      c: ReturnType<typeof lambdaContext>,
    ) => ReturnType<typeof JSON.parse>;
  };
  return parseResult(await mod.handler(apiEvent(init), lambdaContext()));
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call('create-video', { method: 'POST', path: '/videos', body, headers });
const get = (videoId: string) =>
  call('get-video', { path: `/videos/${videoId}`, pathParameters: { videoId } });
const del = (videoId: string) =>
  call('cancel-video', { method: 'DELETE', path: `/videos/${videoId}`, pathParameters: { videoId } });

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    quiet: true,
    timeScale: 0.001,
    assetDelayMs: [10, 20],
    // Handler semantics, not quotas: the most generous tier (test/sim covers the limits).
    tier: 'premium',
  });
  const png = readFileSync(new URL('../fixtures/sim/avatar.png', import.meta.url));
  images = createServer((_q, r) => r.writeHead(200, { 'content-type': 'image/png' }).end(png));
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDVIDEOTEST',
    AWS_SECRET_ACCESS_KEY: 'video-test-secret-key',
    VOLC_ENDPOINT: sim.url,
    SEEDANCE_API_BASE: `${sim.url}/seedance`,
    CREDENTIALS_SECRET_ID: 'seedance/test',
    VIDEO_STATE_MACHINE_ARN: SM_ARN,
    BUCKET_NAME: 'videos-bucket',
    UPSTREAM_TIMEOUT_MS: '3000',
  });
  delete process.env.AWS_ENDPOINT_URL_S3;
  delete process.env.AWS_SESSION_TOKEN;
  resetAwsClients();
  resetS3Client();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SIM_DEFAULT_CREDENTIALS) });
  logger.setSink((l) => logLines.push(l));
  logger.setLevel('debug');

  const assets = new AssetsClient({
    endpoint: sim.url,
    region: 'cn-beijing',
    projectName: 'default',
    credentials: SIM_DEFAULT_CREDENTIALS,
  });
  const { id: groupId } = await assets.createAssetGroup({ name: 'video-tests' });
  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/avatar.png`;
  ({ id: activeImage } = await assets.createAsset({ groupId, url: imageUrl, assetType: 'Image' }));
  for (let i = 0; i < 200 && (await assets.getAsset(activeImage)).status !== 'Active'; i++)
    await new Promise((r) => setTimeout(r, 10));
  sim.control.update({ assetDelayMs: [10_000_000, 10_000_000] });
  ({ id: processingImage } = await assets.createAsset({ groupId, url: imageUrl, assetType: 'Image' }));
});

afterAll(async () => {
  await table?.stop();
  secrets.restore();
  sfn.restore();
  images?.closeAllConnections();
  await new Promise((r) => images?.close(r));
  await sim?.close();
});

beforeEach(async () => {
  // A fresh table per test, so a list sees only what the test wrote.
  await table?.stop();
  table = await startTestTable();
  executions = new Map();
  fakeStepFunctions();
  sim.control.resetCounters();
  sim.control.clearFaults();
});

const startedInputs = (): VideoJobInput[] =>
  sfn
    .commandCalls(StartExecutionCommand)
    .map((c) => JSON.parse(c.args[0].input.input ?? '{}') as VideoJobInput);

describe('POST /videos', () => {
  it.each([
    [undefined, false],
    [-1, false],
    [7, true],
  ])('records whether the caller fixed the seed (seed %s → %s)', async (seed, chosen) => {
    // Act
    const res = await post({
      prompt: 'Image 1 waves',
      references: [{ assetId: activeImage }],
      ...(seed === undefined ? {} : { seed }),
    });
    // Assess
    expect(res.status).toBe(202);
    expect(startedInputs()[0]?.seedChosenByCaller).toBe(chosen);
  });

  it('checks the assets, starts an execution named by the video ID and answers 202 queued', async () => {
    // Prepare
    const body = {
      prompt: 'Image 1 waves at the camera',
      references: [{ assetId: activeImage }],
      ratio: '16:9',
    };
    // Act
    const res = await post(body);
    // Assess
    expect(res.status).toBe(202);
    const { videoId, status } = res.body as { videoId: string; status: string };
    expect(status).toBe('queued');
    expect(res.headers.location).toBe(`/videos/${videoId}`);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: SM_ARN, name: videoId });
    const [input] = startedInputs();
    expect(input).toMatchObject({
      videoId,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      request: {
        model: 'doubao-seedance-2-0-260128',
        ratio: '16:9',
        seed: expect.any(Number),
        // Upstream may hold it queued and running 48 h (its default): the deadline counts only work.
        execution_expires_after: 172_800,
        content: [
          { type: 'text', text: 'Image 1 waves at the camera' },
          { type: 'image_url', image_url: { url: `asset://${activeImage}` }, role: 'reference_image' },
        ],
      },
    });
    expect(sim.control.counters().GetAsset?.calls).toBe(1);
  });

  it("records the caller's IAM identity on the video (an assumed role without its session name)", async () => {
    // Act
    const res = await call('create-video', {
      method: 'POST',
      path: '/videos',
      body: { prompt: 'A fox runs' },
      userArn: 'arn:aws:sts::123456789012:assumed-role/Renderer/session-17',
    });
    // Assess
    const { videoId } = res.body as { videoId: string };
    const record = await records().get('video', videoId);
    expect(record).toMatchObject({ caller: 'arn:aws:sts::123456789012:assumed-role/Renderer' });
  });

  it('answers a replayed Idempotency-Key with the same video and starts nothing new', async () => {
    // Prepare
    const body = { prompt: 'A fox runs', duration: 5 };
    const headers = { 'Idempotency-Key': 'order-42' };
    // Act
    const first = await post(body, headers);
    const second = await post({ duration: 5, prompt: 'A fox runs' }, headers);
    // Assess
    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 202, body: first.body });
    expect(executions.size).toBe(1);
    // The replay of a video still queued without a task re-sends the very same start (a no-op for a
    // running execution; it repairs a start lost to a crash after the record was written).
    const inputs = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.input);
    expect(new Set(inputs).size).toBe(1);
  });

  it('answers 409 IdempotencyConflict for a replayed key with another body', async () => {
    // Prepare
    await post({ prompt: 'A fox runs' }, { 'idempotency-key': 'order-43' });
    // Act
    const res = await post({ prompt: 'A wolf runs' }, { 'idempotency-key': 'order-43' });
    // Assess
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: {
        code: 'IdempotencyConflict',
        message:
          'This Idempotency-Key was already used with a different request body; use a new key for a new video',
      },
    });
  });

  it('answers from the winning record when two requests with one key race', async () => {
    // Act
    const [a, b] = await Promise.all([
      post({ prompt: 'A fox runs' }, { 'idempotency-key': 'order-44' }),
      post({ prompt: 'A fox runs' }, { 'idempotency-key': 'order-44' }),
    ]);
    // Assess
    expect(a).toMatchObject({ status: 202, body: { status: 'queued' } });
    expect(b).toMatchObject({ status: 202, body: a.body });
    expect(executions.size).toBe(1);
  });

  it('leaves no record behind when the start is refused', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    const res = await post({ prompt: 'p' }, { 'idempotency-key': 'order-45' });
    const list = await call('list-videos', { path: '/videos' });
    // Assess
    expect(res.status).toBe(503);
    expect((list.body as { items: unknown[] }).items).toEqual([]);
  });

  it('gives different keys different videos, and random IDs without a key', async () => {
    // Act
    const ids = await Promise.all([
      post({ prompt: 'p' }, { 'idempotency-key': 'k1' }),
      post({ prompt: 'p' }, { 'idempotency-key': 'k2' }),
      post({ prompt: 'p' }),
      post({ prompt: 'p' }),
    ]);
    // Assess
    expect(new Set(ids.map((r) => (r.body as { videoId: string }).videoId)).size).toBe(4);
  });

  it('refuses a broken rule with its code before any upstream or Step Functions call', async () => {
    // Act
    const res = await post({
      prompt: 'p',
      firstFrame: { assetId: activeImage },
      references: [{ assetId: activeImage }],
    });
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('ImageModeConflict');
    expect(sim.control.counters().GetAsset?.calls ?? 0).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('refuses a prompt naming an asset ID with the "Image 1" hint', async () => {
    // Act
    const res = await post({ prompt: `${activeImage} dances`, references: [{ assetId: activeImage }] });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'PromptReferencesAssetId', details: { hint: expect.stringContaining('"Image 1"') } },
    });
  });

  it('answers 400 ValidationError naming each bad field', async () => {
    // Act
    const res = await post({ prompt: 'p', duration: 3, ratio: '2:1' });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: {
        code: 'ValidationError',
        details: expect.arrayContaining([
          expect.objectContaining({
            field: 'duration',
            message:
              'must be 4 to 30 seconds (the model sets the upper bound), or -1 to let the model choose',
          }),
          expect.objectContaining({ field: 'ratio' }),
        ]),
      },
    });
  });

  it('answers 400 InvalidJson for a body that is not JSON, before any upstream or Step Functions call', async () => {
    // Act
    const res = await post('{"prompt": "A fox runs",');
    // Assess
    expect([res.status, errorCode(res)]).toEqual([400, 'InvalidJson']);
    expect(sim.control.counters().GetAsset?.calls ?? 0).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it.each([
    [{ prompt: 5 }, ['prompt']],
    [{ prompt: 'p', references: 'x' }, ['references']],
    [{ prompt: 'p', references: [{ assetId: 5 }] }, ['references.0.assetId']],
    [{ prompt: 'p', duration: '5', watermark: 'no' }, ['duration', 'watermark']],
    [{ references: [] }, ['prompt']],
    [{}, ['prompt']],
  ])('answers 400 ValidationError naming the fields of %j', async (body, fields) => {
    // Act
    const res = await post(body);
    // Assess
    expect([res.status, errorCode(res)]).toEqual([400, 'ValidationError']);
    const details = (res.body as { error: { details: Array<{ location: string; field: string }> } }).error
      .details;
    expect(details.map((d) => d.field).sort()).toEqual([...fields].sort());
    expect(details.every((d) => d.location === 'body')).toBe(true);
    expect(sim.control.counters().GetAsset?.calls ?? 0).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('answers 400 AssetNotFound for an unknown asset and 409 AssetNotActive for a processing one', async () => {
    // Act
    const missing = await post({ prompt: 'p', references: [{ assetId: 'asset-20260101000000-zzzzz' }] });
    const processing = await post({ prompt: 'p', references: [{ assetId: processingImage }] });
    // Assess
    expect([missing.status, errorCode(missing)]).toEqual([400, 'AssetNotFound']);
    expect([processing.status, errorCode(processing)]).toEqual([409, 'AssetNotActive']);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('answers 400 ValidationError naming the Idempotency-Key header for a key with spaces', async () => {
    // Act
    const res = await post({ prompt: 'p' }, { 'Idempotency-Key': 'not a key' });
    // Assess
    expect([res.status, errorCode(res)]).toEqual([400, 'ValidationError']);
    expect(res.body).toMatchObject({
      error: { details: [{ location: 'header', field: 'idempotency-key' }] },
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('answers 503 ServiceBusy with Retry-After when Step Functions throttles', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    const res = await post({ prompt: 'p' });
    // Assess
    expect([res.status, errorCode(res), res.headers['Retry-After']]).toEqual([503, 'ServiceBusy', '5']);
  });

  it('maps a throttled asset check to 503 UpstreamThrottled', async () => {
    // Prepare
    sim.control.setFaults([
      { action: 'GetAsset', rate: 1, count: 1, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
    ]);
    // Act
    const res = await post({ prompt: 'p', references: [{ assetId: activeImage }] });
    // Assess
    expect([res.status, errorCode(res)]).toEqual([503, 'UpstreamThrottled']);
  });
});

describe('GET /videos/{videoId}', () => {
  it('answers 404 for an unknown video and 400 for a malformed ID', async () => {
    // Act
    const unknown = await get('vid-0000000000000000000000unkn');
    const bad = await get('not-a-video');
    // Assess
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'NotFound']);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'ValidationError']);
  });

  it('shows a succeeded video with presigned links valid 15 minutes', async () => {
    // Prepare
    const id = 'vid-0000000000000000000000done';
    await seed(id, 'succeeded', {
      taskId: 'cgt-1',
      finishedAt: '2026-01-01T00:03:00.000Z',
      result: {
        videoId: id,
        taskId: 'cgt-1',
        model: 'm',
        video: { key: `videos/${id}/video.mp4`, bytes: 10, contentType: 'video/mp4' },
        lastFrame: { key: `videos/${id}/last-frame.png`, bytes: 5, contentType: 'image/png' },
        usage: { completionTokens: 9, totalTokens: 9 },
      },
    });
    // Act
    const res = await get(id);
    // Assess
    expect(res.status).toBe(200);
    const body = res.body as Record<string, string>;
    expect(body).toMatchObject({
      videoId: id,
      status: 'succeeded',
      taskId: 'cgt-1',
      usage: { completionTokens: 9, totalTokens: 9 },
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:03:00.000Z',
    });
    const link = new URL(body.videoUrl as string);
    expect(link.pathname).toContain(`/videos/${id}/video.mp4`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(new URL(body.lastFrameUrl as string).pathname).toContain('last-frame.png');
    expect(Date.parse(body.linksExpireAt as string) - Date.now()).toBeGreaterThan(890_000);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('shows saving and running as the steps recorded them', async () => {
    // Prepare
    await seed('vid-000000000000000000000saving', 'saving', { taskId: 't1' });
    await seed('vid-00000000000000000000running', 'running', { taskId: 't2' });
    // Act
    const saving = await get('vid-000000000000000000000saving');
    const running = await get('vid-00000000000000000000running');
    // Assess
    expect(saving.body).toMatchObject({ status: 'saving', taskId: 't1' });
    expect(running.body).toMatchObject({ status: 'running', taskId: 't2' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('shows the upstream code and message of a failed video', async () => {
    // Prepare
    const id = 'vid-000000000000000000000failed';
    await seed(id, 'failed', {
      error: { code: 'OutputVideoSensitiveContentDetected', message: 'flagged' },
      finishedAt: new Date().toISOString(),
    });
    // Act
    const res = await get(id);
    // Assess
    expect(res.body).toMatchObject({
      status: 'failed',
      error: { code: 'OutputVideoSensitiveContentDetected', message: 'flagged' },
    });
  });
});

describe('GET /videos', () => {
  const ids = (res: { body: unknown }) =>
    (res.body as { items: Array<{ videoId: string }> }).items.map((i) => i.videoId);

  it('lists videos newest first with their statuses and pages with an opaque nextToken', async () => {
    // Prepare
    await seed('vid-00000000000000000000000run', 'running', { taskId: 't' }, '2026-01-01T00:00:03.000Z');
    await seed(
      'vid-00000000000000000000000exp',
      'expired',
      { error: { code: 'TaskExpired', message: 'm' } },
      '2026-01-01T00:00:02.000Z',
    );
    await seed('vid-00000000000000000000000suc', 'succeeded', {}, '2026-01-01T00:00:01.000Z');
    // Act
    const first = await call('list-videos', { path: '/videos', query: { pageSize: '2' } });
    const token = (first.body as { nextToken?: string }).nextToken ?? '';
    const second = await call('list-videos', { path: '/videos', query: { pageSize: '2', nextToken: token } });
    // Assess
    expect(first.status).toBe(200);
    expect((first.body as { items: unknown[] }).items).toEqual([
      {
        videoId: 'vid-00000000000000000000000run',
        status: 'running',
        taskId: 't',
        model: 'm',
        createdAt: '2026-01-01T00:00:03.000Z',
      },
      {
        videoId: 'vid-00000000000000000000000exp',
        status: 'expired',
        error: { code: 'TaskExpired', message: 'm' },
        model: 'm',
        createdAt: '2026-01-01T00:00:02.000Z',
      },
    ]);
    expect(ids(second)).toEqual(['vid-00000000000000000000000suc']);
    expect(second.body).not.toHaveProperty('nextToken');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('filters by status, group and creation time in the query', async () => {
    // Prepare
    await seed(
      'vid-00000000000000000000000ex1',
      'expired',
      { groupIds: ['group-a'] },
      '2026-01-01T00:00:01.000Z',
    );
    await seed(
      'vid-00000000000000000000000ex2',
      'expired',
      { groupIds: ['group-b'] },
      '2026-01-03T00:00:00.000Z',
    );
    await seed(
      'vid-00000000000000000000000fai',
      'failed',
      { groupIds: ['group-a'] },
      '2026-01-02T00:00:00.000Z',
    );
    // Act
    const expired = await call('list-videos', { path: '/videos', query: { status: 'expired' } });
    const inA = await call('list-videos', { path: '/videos', query: { groupId: 'group-a' } });
    const early = await call('list-videos', {
      path: '/videos',
      query: { createdAfter: '2026-01-01T12:00:00Z', createdBefore: '2026-01-02T12:00:00Z' },
    });
    const cancelled = await call('list-videos', { path: '/videos', query: { status: 'cancelled' } });
    // Assess
    expect(ids(expired)).toEqual(['vid-00000000000000000000000ex2', 'vid-00000000000000000000000ex1']);
    expect(ids(inA)).toEqual(['vid-00000000000000000000000fai', 'vid-00000000000000000000000ex1']);
    expect(ids(early)).toEqual(['vid-00000000000000000000000fai']);
    expect(ids(cancelled)).toEqual([]);
  });

  it('answers 400 for an unknown status filter, a bad date and a cursor of another filter', async () => {
    // Prepare
    await seed('vid-00000000000000000000000on1', 'queued', {}, '2026-01-01T00:00:01.000Z');
    await seed('vid-00000000000000000000000on2', 'queued', {}, '2026-01-01T00:00:02.000Z');
    const page = await call('list-videos', { path: '/videos', query: { pageSize: '1' } });
    const token = (page.body as { nextToken: string }).nextToken;
    // Act
    const status = await call('list-videos', { path: '/videos', query: { status: 'done' } });
    const date = await call('list-videos', { path: '/videos', query: { createdAfter: 'yesterday' } });
    const cursor = await call('list-videos', {
      path: '/videos',
      query: { status: 'queued', nextToken: token },
    });
    const garbage = await call('list-videos', { path: '/videos', query: { nextToken: 'bm9wZQ' } });
    // Assess
    expect([status.status, errorCode(status)]).toEqual([400, 'ValidationError']);
    expect([date.status, errorCode(date)]).toEqual([400, 'ValidationError']);
    expect([cursor.status, errorCode(cursor)]).toEqual([400, 'InvalidNextToken']);
    expect([garbage.status, errorCode(garbage)]).toEqual([400, 'InvalidNextToken']);
  });
});

describe('DELETE /videos/{videoId}', () => {
  async function upstreamTask(queuedMs: number, runningMs: number): Promise<string> {
    sim.control.update({ taskQueuedMs: queuedMs, taskRunningMs: runningMs });
    const res = await fetch(`${sim.url}/seedance/api/v3/contents/generations/tasks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SIM_DEFAULT_CREDENTIALS.apiToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'doubao-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] }),
    });
    return ((await res.json()) as { id: string }).id;
  }
  const upstreamStatus = (id: string) =>
    (sim.control.tasks().find((t) => t.id === id) as { status: string }).status;

  it('stops the execution and cancels the queued upstream task', async () => {
    // Prepare
    const taskId = await upstreamTask(10_000_000, 1000);
    const id = 'vid-0000000000000000000000queu';
    await seed(id, 'queued', { taskId });
    // Act
    const res = await del(id);
    // Assess
    expect(res).toMatchObject({
      status: 202,
      body: {
        videoId: id,
        status: 'cancelled',
        upstream: { cancelled: true, taskId, taskStatus: 'cancelled' },
      },
    });
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: execArn(id),
      error: 'VideoCancelled',
    });
    expect(upstreamStatus(taskId)).toBe('cancelled');
    expect((await get(id)).body).toMatchObject({ status: 'cancelled', error: { code: 'CancelledByCaller' } });
  });

  it('stops the execution and says a running upstream task could not be cancelled', async () => {
    // Prepare
    const taskId = await upstreamTask(0, 10_000_000);
    const id = 'vid-00000000000000000000000rng';
    await seed(id, 'running', { taskId });
    // Act
    const res = await del(id);
    // Assess
    expect(res.body).toMatchObject({
      status: 'cancelled',
      upstream: {
        cancelled: false,
        taskStatus: 'running',
        message:
          'The upstream task is running; only queued tasks can be cancelled, so it may still be billed',
      },
    });
    expect(upstreamStatus(taskId)).toBe('running');
  });

  it('says so when no upstream task exists yet', async () => {
    // Prepare
    const id = 'vid-0000000000000000000000none';
    await seed(id, 'queued', {}, new Date().toISOString());
    // Act
    const res = await del(id);
    // Assess
    expect(res.body).toMatchObject({
      status: 'cancelled',
      upstream: { cancelled: false, message: expect.stringMatching(/^No upstream task/) },
    });
  });

  it('answers 409 VideoNotRunning for a finished video and 404 for an unknown one', async () => {
    // Prepare
    await seed('vid-0000000000000000000000fini', 'succeeded');
    // Act
    const finished = await del('vid-0000000000000000000000fini');
    const unknown = await del('vid-0000000000000000000000unkn');
    // Assess
    expect(finished.body).toMatchObject({
      error: {
        code: 'VideoNotRunning',
        message: 'Video vid-0000000000000000000000fini is already succeeded',
      },
    });
    expect(finished.status).toBe(409);
    expect(unknown.status).toBe(404);
    expect(sfn).toHaveReceivedCommandTimes(StopExecutionCommand, 0);
  });
});

describe('video route logs', () => {
  it('never carry the API token, the secret key or a presigned URL', () => {
    // Act
    const leaks = logLines.filter(
      (l) =>
        l.includes(SIM_DEFAULT_CREDENTIALS.apiToken) ||
        l.includes(SIM_DEFAULT_CREDENTIALS.secretAccessKey) ||
        /X-Amz-Signature=[0-9a-f]/.test(l),
    );
    // Assess
    expect(logLines.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
