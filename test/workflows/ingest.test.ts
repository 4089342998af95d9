/**
 * The ingest workflow end to end on loopback: statemachines/asset-ingest.asl.json itself in
 * aws-local-stepfunctions (local/sfn/runner.ts), the real step handlers, s3rver for the bucket, the
 * local Secrets Manager endpoint for the credentials, and the upstream simulator. Waits and Retry
 * intervals shrink by TIME_SCALE (steps) and timeScale (runner); the simulator's delays by its own.
 *
 * A small proxy sits between the steps and the simulator: transparent, except that a test can make it
 * answer 500 *after* forwarding a call, which is how "upstream created the asset but said 5xx" is
 * produced (the simulator's own faults answer before doing the work).
 */
import { resetS3Client, s3Client } from '../../functions/shared/s3';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseStepFailure } from '../../functions/core/step-errors';
import { extensionFor, newUploadId, uploadKey, type IngestInput } from '../../functions/core/uploads';
import { startLocalS3, type LocalS3 } from '../../local/s3/server';
import { encodeEventKey } from '../../local/s3/trigger';
import { startSecretsEndpoint } from '../../local/secrets/server';
import type { RunningServer } from '../../local/sfn/aws-json';
import { createLocalStateMachine, runLocal, type LocalRunResult } from '../../local/sfn/runner';
import { startSfnEndpoint } from '../../local/sfn/server';
import { executionEndEvents } from '../../local/sfn/end-events';
import { registerUpload } from '../../functions/core/uploads';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim';
import { CORPUS, corpusEntry, makeJpeg } from '../support/image-corpus';

const TIME_SCALE = 0.005;
const BUCKET = 'ingest-test';
const SECRET_ID = 'seedance/upstream';
const S3_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

type AfterForward = (action: string) => 'fail' | undefined;

interface VolcProxy extends RunningServer {
  afterForward: AfterForward | undefined;
  /** Milliseconds to hold an answer back, per action (puts real time between two steps). */
  holdAnswer: ((action: string) => number) | undefined;
  /** Every request body, in order, so a test can read what was sent upstream (CreateAsset's URL). */
  received: Array<{ action: string; body: string }>;
}

/**
 * Forwards every request unchanged (Host included, so signatures hold) and records its body; may replace
 * an answer with a 500 or hold it back.
 */
async function startVolcProxy(target: string): Promise<VolcProxy> {
  const t = new URL(target);
  const proxy: Pick<VolcProxy, 'afterForward' | 'holdAnswer' | 'received'> = {
    afterForward: undefined,
    holdAnswer: undefined,
    received: [],
  };
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const action = new URL(req.url ?? '/', 'http://proxy').searchParams.get('Action') ?? '';
      proxy.received.push({ action, body: Buffer.concat(body).toString('utf8') });
      const fwd = request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', async () => {
            const hold = proxy.holdAnswer?.(action) ?? 0;
            if (hold > 0) await new Promise((r) => setTimeout(r, hold));
            if (proxy.afterForward?.(action) === 'fail') {
              res.writeHead(500, { 'content-type': 'application/json' });
              res.end(
                JSON.stringify({
                  ResponseMetadata: {
                    RequestId: 'proxy-injected',
                    Action: action,
                    Version: '2024-01-01',
                    Error: {
                      Code: 'InternalError',
                      CodeN: 100014,
                      Message: 'injected after the call was processed',
                    },
                  },
                }),
              );
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers as IncomingHttpHeaders);
            res.end(Buffer.concat(parts));
          });
        },
      );
      fwd.on('error', () => res.destroy());
      fwd.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let sim: Simulator;
let s3: LocalS3;
let secrets: RunningServer;
let proxy: VolcProxy;
let sfnEndpoint: RunningServer;
let client: S3Client;
let groupId: string;
let table: TestTable;

beforeAll(async () => {
  table = await startTestTable();
  // premium: these tests count calls and must not meet the previous test's CreateAsset minute; the
  // concurrent-uploads test below switches to basic for itself.
  sim = await startSimulator({ port: 0, timeScale: TIME_SCALE, quiet: true, seed: 7, tier: 'premium' });
  s3 = await startLocalS3({ buckets: [BUCKET], credentials: [S3_KEYS] });
  secrets = await startSecretsEndpoint({ secrets: { [SECRET_ID]: JSON.stringify(SIM_DEFAULT_CREDENTIALS) } });
  proxy = await startVolcProxy(sim.url);
  sfnEndpoint = await startSfnEndpoint({
    machines: { ingest: createLocalStateMachine('ingest', { timeScale: TIME_SCALE }) },
    onExecutionEnd: executionEndEvents({ retryDelaysMs: [10, 10] }),
  });
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint.url,
    S3_FORCE_PATH_STYLE: 'true',
    BUCKET_NAME: BUCKET,
    CREDENTIALS_SECRET_ID: SECRET_ID,
    VOLC_ENDPOINT: proxy.url,
    TIME_SCALE: String(TIME_SCALE),
    // The stack's budget is the simulator's tier: one account (cases that change the tier change both).
    UPSTREAM_ASSET_TIER: 'premium',
    INGEST_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:ingest',
    LOG_LEVEL: 'error',
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  client = new S3Client({
    endpoint: s3.url,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3_KEYS,
  });
  const { assetsClient } = await import('../../functions/shared/clients');
  const { loadConfig } = await import('../../functions/core/config');
  ({ id: groupId } = await assetsClient(loadConfig()).createAssetGroup({ name: 'ingest-workflow-test' }));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([sfnEndpoint?.close(), proxy?.close(), secrets?.close()]);
  await Promise.all([s3?.close(), sim?.close(), table?.stop()]);
});

beforeEach(async () => {
  sim.control.clearFaults();
  sim.control.forceAssetFailure(null);
  sim.control.update({ assetDelayMs: [5000, 13000] });
  sim.control.resetCounters();
  proxy.afterForward = undefined;
  proxy.holdAnswer = undefined;
  proxy.received = [];
  vi.stubEnv('UPSTREAM_TIMEOUT_MS', '15000');
  const { resetIngestRuntime } = await import('../../functions/shared/ingest-step');
  resetIngestRuntime();
  resetS3Client();
});

async function upload(bytes: Uint8Array, ext: string | undefined = 'jpg'): Promise<IngestInput> {
  const uploadId = newUploadId();
  const key = uploadKey({ groupId, uploadId, ext: ext ?? 'jpg' });
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  return { bucket: BUCKET, key, groupId, uploadId, size: bytes.length };
}

function ingest(input: IngestInput): Promise<LocalRunResult> {
  return runLocal('ingest', input, { timeScale: TIME_SCALE, executionName: input.uploadId });
}

const liveAssetsNamed = (name: string) =>
  sim.control.assets().filter((a) => a.Name === name && a.GroupId === groupId);
const entered = (r: LocalRunResult, state: string) =>
  r.events.filter((e) => e.type === 'StateEntered' && 'state' in e && e.state.name === state).length;
const counter = (action: string) =>
  sim.control.counters()[action] ?? { calls: 0, ok: 0, throttled: 0, faulted: 0 };
const failure = (r: LocalRunResult) => parseStepFailure(r.error, r.cause);
const exists = async (key: string) =>
  client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    (h) => h,
    () => undefined,
  );

describe('ingest workflow', () => {
  it('takes a valid image to an Active asset:// ID with one CreateAsset', async () => {
    // Prepare
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    const out = r.output as { assetId: string; assetUri: string };
    expect(out.assetUri).toBe(`asset://${out.assetId}`);
    expect(liveAssetsNamed(input.uploadId)).toEqual([
      expect.objectContaining({ Id: out.assetId, Status: 'Active' }),
    ]);
    expect(counter('CreateAsset').calls).toBe(1);
    expect(entered(r, 'CheckAsset')).toBeGreaterThanOrEqual(1);
  });

  it('pins the checked bytes under validated/ and registers that copy', async () => {
    // Prepare
    const bytes = corpusEntry('portrait.jpg').build();
    const input = await upload(bytes);
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    const pinned = await exists(input.key.replace(/^incoming\//, 'validated/'));
    const original = await exists(input.key);
    expect(pinned?.Metadata?.['source-etag']).toBe(original?.ETag?.replace(/"/g, ''));
    expect(pinned?.ContentLength).toBe(bytes.length);
    const asset = sim.control.assets().find((a) => a.Id === (r.output as { assetId: string }).assetId);
    const stored = new Uint8Array(await (await fetch(String(asset?.URL))).arrayBuffer());
    expect(Buffer.from(stored).equals(Buffer.from(bytes))).toBe(true);
  });

  it('fails UploadReplaced and quarantines the object when it is replaced while being checked', async () => {
    // Prepare
    const input = await upload(corpusEntry('portrait.jpg').build());
    const { loadConfig } = await import('../../functions/core/config');
    let replaced = false;
    // Right after Validate's HeadObject, someone re-posts the form with other bytes.
    s3Client(loadConfig()).middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (!replaced && context.commandName === 'HeadObjectCommand') {
          replaced = true;
          await client.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: input.key, Body: '<html>swap</html>' }),
          );
        }
        return out;
      },
      { step: 'initialize', name: 'replaceAfterHead' },
    );
    // Act
    const r = await ingest(input);
    // Assess
    expect(replaced).toBe(true);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('ImageRejected');
    expect(failure(r).code).toBe('UploadReplaced');
    expect(entered(r, 'ReplacedDuringValidation')).toBe(1);
    const quarantined = await exists(input.key.replace(/^incoming\//, 'quarantine/'));
    expect(quarantined?.Metadata?.['rejection-code']).toBe('UploadReplaced');
    expect(await exists(input.key)).toBeUndefined();
    expect(await exists(input.key.replace(/^incoming\//, 'validated/'))).toBeUndefined();
    expect(counter('CreateAsset').calls).toBe(0);
  });

  it('accepts every valid format of the corpus, the 20 MB TIFF and the 150 KB-metadata JPEG included', async () => {
    // Prepare
    const valid = CORPUS.filter((c) => c.expect.ok);
    for (const entry of valid) {
      const input = await upload(entry.build(), extensionFor(entry.declaredType));
      // Act
      const r = await ingest(input);
      // Assess
      expect({ image: entry.name, status: r.status, error: r.error }).toEqual({
        image: entry.name,
        status: 'SUCCEEDED',
        error: undefined,
      });
    }
    expect(counter('CreateAsset').calls).toBe(valid.length);
  });

  describe.each(CORPUS.filter((c) => !c.expect.ok).map((c) => [c.name, c] as const))(
    'rejects %s',
    (_name, entry) => {
      it('fails ImageRejected with the reason and moves the object to quarantine/', async () => {
        // Prepare
        const input = await upload(entry.build(), 'png');
        // Act
        const r = await ingest(input);
        // Assess
        expect(r.status).toBe('FAILED');
        expect(r.error).toBe('ImageRejected');
        const f = failure(r);
        expect(entry.expect.ok ? '' : f.code).toBe(entry.expect.ok ? '' : entry.expect.code);
        expect(f.message).toMatch(entry.expect.ok ? /^$/ : entry.expect.message);
        const quarantined = await exists(input.key.replace(/^incoming\//, 'quarantine/'));
        expect(quarantined?.Metadata?.['rejection-code']).toBe(f.code);
        expect(await exists(input.key)).toBeUndefined();
        expect(counter('CreateAsset').calls).toBe(0);
      });
    },
  );

  it('fails AssetFailed with the upstream code and message when the asset fails', async () => {
    // Prepare
    sim.control.forceAssetFailure('ContentRestricted');
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('AssetFailed');
    expect(failure(r)).toMatchObject({
      code: 'ContentRestricted',
      message: 'The content is restricted and cannot be used as an asset.',
    });
  });

  it('gives up with AssetFailed when the re-created asset fails to download too', async () => {
    // Prepare
    sim.control.forceAssetFailure('DownloadFailed');
    const input = await upload(makeJpeg({ width: 640, height: 480, blocky: true }));
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('AssetFailed');
    expect(failure(r)).toMatchObject({ code: 'DownloadFailed' });
    expect(entered(r, 'CountDownloadRetry')).toBe(1);
    expect(counter('CreateAsset').calls).toBe(2);
    expect(counter('DeleteAsset').calls).toBe(1);
  });

  it('re-creates the asset once with a fresh URL after DownloadFailed, then succeeds', async () => {
    // Prepare: the first asset fails to download; the proxy lifts the forced failure once it is created.
    // DeleteAsset's answer is held past a second boundary: presigned URLs carry a one-second X-Amz-Date,
    // so only then does a re-signed URL differ from one carried over from the first attempt.
    sim.control.forceAssetFailure('DownloadFailed');
    proxy.afterForward = (action) => {
      if (action === 'CreateAsset') sim.control.forceAssetFailure(null);
      return undefined;
    };
    proxy.holdAnswer = (action) => (action === 'DeleteAsset' ? 1100 : 0);
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(counter('CreateAsset').calls).toBe(2);
    expect(counter('DeleteAsset').calls).toBe(1);
    expect(liveAssetsNamed(input.uploadId)).toEqual([
      expect.objectContaining({ Id: (r.output as { assetId: string }).assetId, Status: 'Active' }),
    ]);
    const urls = proxy.received
      .filter((c) => c.action === 'CreateAsset')
      .map((c) => new URL((JSON.parse(c.body) as { URL: string }).URL));
    expect(urls).toHaveLength(2);
    const [first, second] = urls as [URL, URL];
    expect(second.pathname).toBe(first.pathname);
    expect(second.href).not.toBe(first.href);
    expect(Number(second.searchParams.get('X-Amz-Date')?.replace(/\D/g, ''))).toBeGreaterThan(
      Number(first.searchParams.get('X-Amz-Date')?.replace(/\D/g, '')),
    );
  });

  it('rides out a throttling storm and 5xx on GetAsset with bounded, jittered retries', async () => {
    // Prepare
    sim.control.setFaults([
      { action: 'CreateAsset', rate: 1, count: 4, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
      { action: 'GetAsset', rate: 1, count: 3, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
      { action: 'GetAsset', rate: 1, count: 2, kind: 'error', status: 500, code: 'InternalError' },
    ]);
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(counter('CreateAsset')).toMatchObject({ calls: 5, faulted: 4 });
    expect(counter('GetAsset').faulted).toBe(5);
    expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
    // CreateAsset throttles go back to the budget queue (a Wait each, and a halfway wake while the
    // slowed budget's next moment is more than a window away: recovery waits a window), GetAsset's are
    // retried in place.
    expect(entered(r, 'WaitForAssetBudget')).toBeGreaterThanOrEqual(4);
    expect(entered(r, 'WaitForAssetBudget')).toBeLessThanOrEqual(8);
    expect(r.events.filter((e) => e.type === 'StateRetried').length).toBeGreaterThanOrEqual(5);
  });

  it('gets ten concurrent uploads through the basic tier (3 CreateAsset per minute) without a throttle', async () => {
    // Prepare: the account and the stack's budget both at basic, on the same scaled clock (the runner's
    // Retry intervals are scaled less, 0.05, but budget waits are timestamps the step computes).
    sim.control.update({ tier: 'basic' });
    vi.stubEnv('UPSTREAM_ASSET_TIER', 'basic');
    const { resetIngestRuntime } = await import('../../functions/shared/ingest-step');
    resetIngestRuntime();
    const inputs = await Promise.all(
      Array.from({ length: 10 }, () => upload(corpusEntry('portrait.jpg').build())),
    );
    // Act: every upload's record is read while the burst drains, as GET …/uploads/{id} would
    const records = new DynamoRecordStore(table.table);
    type Seen = { status: string; queuePosition?: number; estimatedStartAt?: string };
    const seen = new Map<string, Seen[]>(inputs.map((i) => [i.uploadId, []]));
    let draining = true;
    const watch = (async () => {
      while (draining) {
        for (const [id, list] of seen) {
          // Only while it may still wait: the reads themselves load a 2-core machine.
          if (list.length > 0 && list.at(-1)?.status !== 'queued') continue;
          const r = await records.get('upload', id);
          if (r?.kind !== 'upload') continue;
          const last = list.at(-1);
          if (last?.status !== r.status || last.queuePosition !== r.queuePosition)
            list.push({
              status: r.status,
              ...(r.queuePosition !== undefined ? { queuePosition: r.queuePosition } : {}),
              ...(r.estimatedStartAt ? { estimatedStartAt: r.estimatedStartAt } : {}),
            });
        }
        await new Promise((done) => setTimeout(done, 20));
      }
    })();
    const results = await Promise.all(
      inputs.map((input) => runLocal('ingest', input, { timeScale: 0.05, executionName: input.uploadId })),
    );
    draining = false;
    await watch;
    const window = sim.control.rateStats().CreateAsset;
    sim.control.update({ tier: 'premium' });
    vi.stubEnv('UPSTREAM_ASSET_TIER', 'premium');
    // Assess
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.map((r) => [r.error, r.cause]).slice(0, 2)),
    ).toEqual(Array(10).fill('SUCCEEDED'));
    expect(counter('CreateAsset').throttled).toBe(0);
    expect(counter('CreateAsset').ok).toBe(10);
    expect(window?.maxAcceptedInWindow).toBeLessThanOrEqual(3);
    for (const input of inputs) expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
    // Cheap waiting: each queued job wakes a bounded number of times (10 jobs, 3 per window: ≤ 4 turns).
    const wakes = results.map((r) => entered(r, 'WaitForAssetBudget'));
    expect(Math.max(...wakes)).toBeLessThanOrEqual(8);
    // At most the window's three went without waiting (grants are paced, so a crowd may leave fewer).
    const straight = wakes.filter((n) => n === 0).length;
    expect(straight).toBeGreaterThanOrEqual(1);
    expect(straight).toBeLessThanOrEqual(3);
    // Visible waiting: `queued` with a place that only goes down as the burst drains, then on to work.
    const all = JSON.stringify([...seen.values()]);
    const places = [...seen.values()].map((list) =>
      list.filter((x) => x.status === 'queued').map((x) => x.queuePosition ?? 0),
    );
    for (const p of places)
      expect(
        p.every((x, i) => i === 0 || x <= p[i - 1]!),
        all,
      ).toBe(true);
    expect(
      places.some((p) => p.length >= 2 && p.at(-1)! < p[0]!),
      all,
    ).toBe(true);
    for (const list of seen.values()) {
      expect(
        list.every((x) => x.status !== 'queued' || x.estimatedStartAt),
        all,
      ).toBe(true);
      expect(list.at(-1)?.status, all).not.toBe('queued');
    }
  });

  it('a step killed right after taking budget loses nothing: the slot comes back, one asset each', async () => {
    // Prepare: basic on both sides; the first CreateAsset of every upload takes its grant and dies
    sim.control.update({ tier: 'basic' });
    vi.stubEnv('UPSTREAM_ASSET_TIER', 'basic');
    const { resetIngestRuntime } = await import('../../functions/shared/ingest-step');
    resetIngestRuntime();
    const { handler: createAsset } = await import('../../functions/steps/ingest/create-asset');
    const { acquireBudget } = await import('../../functions/core/governor');
    const { assetBudget } = await import('../../functions/shared/asset-budget');
    const { loadConfig } = await import('../../functions/core/config');
    const killed = new Set<string>();
    const killAfterGrant = async (input: unknown) => {
      const i = input as Parameters<typeof createAsset>[0];
      if (!killed.has(i.uploadId)) {
        const b = assetBudget(loadConfig());
        const got = await acquireBudget(b.store, b.spec, i.budget ?? {});
        if (got.granted) {
          killed.add(i.uploadId);
          throw Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'Sandbox.Timedout' });
        }
        // Not its turn: answer as the step does, so the grant that comes later is the one that dies
        // (handing on to the step here would let it take that grant and live).
        const { place, position, estimatedStartAt, waitUntil } = got;
        return { queued: true, budget: { ...place, waitUntil, queuePosition: position, estimatedStartAt } };
      }
      return createAsset(i);
    };
    const inputs = await Promise.all(
      Array.from({ length: 4 }, () => upload(corpusEntry('portrait.jpg').build())),
    );
    // Act
    const results = await Promise.all(
      inputs.map((input) =>
        runLocal('ingest', input, {
          timeScale: 0.05,
          executionName: input.uploadId,
          handlers: { CreateAssetFunctionArn: killAfterGrant },
        }),
      ),
    );
    const window = sim.control.rateStats().CreateAsset;
    sim.control.update({ tier: 'premium' });
    vi.stubEnv('UPSTREAM_ASSET_TIER', 'premium');
    resetIngestRuntime();
    // Assess
    expect(killed.size).toBe(4);
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('SUCCEEDED'));
    for (const input of inputs) expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
    expect(window?.maxAcceptedInWindow).toBeLessThanOrEqual(3);
    expect(results.every((r) => entered(r, 'RecoverCreateAsset') >= 1)).toBe(true);
  });

  it('never fails a job for a throttle: a permanent one ends it expired at the wait cap', async () => {
    // Prepare
    vi.stubEnv('QUEUE_MAX_WAIT_SECONDS', '120'); // 0.6 s at this scale
    const { resetIngestRuntime } = await import('../../functions/shared/ingest-step');
    resetIngestRuntime();
    sim.control.setFaults([
      { action: 'CreateAsset', rate: 1, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
    ]);
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    vi.stubEnv('QUEUE_MAX_WAIT_SECONDS', '86400');
    resetIngestRuntime();
    // Assess
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('QueueExpired');
    expect(r.events.filter((e) => e.type === 'StateRetried')).toHaveLength(0);
    // The budget slowed down: far fewer calls than the 60 in-place retries of before.
    expect(counter('CreateAsset').calls).toBeLessThan(30);
    expect(liveAssetsNamed(input.uploadId)).toHaveLength(0);
  });

  it('makes one asset when CreateAsset answers 5xx after upstream accepted it', async () => {
    // Prepare
    let failed = false;
    proxy.afterForward = (action) => {
      if (action !== 'CreateAsset' || failed) return undefined;
      failed = true;
      return 'fail';
    };
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(entered(r, 'RecoverCreateAsset')).toBe(1);
    expect(counter('CreateAsset').calls).toBe(1);
    expect(counter('ListAssets').calls).toBeGreaterThanOrEqual(1);
    expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
  });

  it('makes one asset when CreateAsset times out on our side but lands upstream', async () => {
    // Prepare: the client gives up at 100 ms; upstream answers (and creates) at ~140 ms
    vi.stubEnv('UPSTREAM_TIMEOUT_MS', '100');
    sim.control.setFaults([{ action: 'CreateAsset', rate: 1, count: 1, kind: 'latency', latencyMs: 140 }]);
    const input = await upload(corpusEntry('portrait.jpg').build());
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(entered(r, 'SettleBeforeLookup')).toBe(1);
    expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
  });

  it('ends in TimedOut at the deadline when the asset never leaves Processing', async () => {
    // Prepare
    sim.control.update({ assetDelayMs: [1e9, 1e9] });
    const input = await upload(corpusEntry('portrait.jpg').build());
    const started = Date.now();
    // Act
    const r = await ingest(input);
    // Assess
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('TimedOut');
    expect(failure(r).message).toMatch(/still Processing at the ingest deadline/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * 60 * 1000 * TIME_SCALE - 50);
    const checks = entered(r, 'CheckAsset');
    expect(checks).toBeGreaterThan(3);
    expect(checks).toBeLessThan(60);
  });
});

describe('ingest started by S3 events', () => {
  it('starts one execution and one CreateAsset for the same event delivered twice', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const input = await upload(corpusEntry('avatar.png').build(), 'png');
    const event: S3Event = {
      Records: [
        {
          eventName: 'ObjectCreated:Post',
          eventTime: new Date().toISOString(),
          s3: { bucket: { name: BUCKET }, object: { key: encodeEventKey(input.key), size: input.size } },
        } as unknown as S3EventRecord,
      ],
    };
    const sfn = new SFNClient({ endpoint: sfnEndpoint.url, region: 'us-east-1', credentials: S3_KEYS });
    const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:ingest';
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:ingest:${input.uploadId}`;
    // Act
    const first = await handler(event);
    const second = await handler(event);
    let status = 'RUNNING';
    for (let i = 0; i < 200 && status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
    }
    const third = await handler(event);
    // Assess
    expect(first.started).toBe(1);
    expect(second.started + second.duplicates).toBe(1);
    expect(third).toEqual({ started: 0, duplicates: 1, replaced: 0, ignored: 0 });
    expect(status).toBe('SUCCEEDED');
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions.executions?.filter((e) => e.name === input.uploadId)).toHaveLength(1);
    expect(counter('CreateAsset').calls).toBe(1);
    expect(liveAssetsNamed(input.uploadId)).toHaveLength(1);
  });

  it('reports the upload through GET .../uploads/{id} from awaiting_upload to active', async () => {
    // Prepare
    const { handler: trigger } = await import('../../functions/triggers/upload-created');
    const { handler: getUpload } = await import('../../functions/api/get-upload');
    const { apiEvent, lambdaContext, parseResult } = await import('../handlers/api-event');
    const input = await upload(corpusEntry('avatar.png').build(), 'png');
    // What POST /groups/{groupId}/uploads writes before it answers.
    await registerUpload(
      new DynamoRecordStore(table.table),
      {
        uploadId: input.uploadId,
        groupId,
        fileName: 'avatar.png',
        contentType: 'image/png',
        contentLength: input.size,
        createdAt: new Date(),
        uploadExpiresAt: new Date(Date.now() + 600_000),
      },
      86_400,
    );
    const ask = async () =>
      parseResult(
        await getUpload(apiEvent({ pathParameters: { groupId, uploadId: input.uploadId } }), lambdaContext()),
      ).body as { status: string; assetUri?: string; fileName?: string };
    // Act
    const before = await ask();
    await trigger({
      Records: [
        {
          eventName: 'ObjectCreated:Post',
          s3: { bucket: { name: BUCKET }, object: { key: encodeEventKey(input.key), size: input.size } },
        } as unknown as S3EventRecord,
      ],
    });
    const seen = new Set<string>();
    let last = await ask();
    for (let i = 0; i < 200 && last.status !== 'active' && last.status !== 'failed'; i++) {
      seen.add(last.status);
      await new Promise((resolve) => setTimeout(resolve, 10));
      last = await ask();
    }
    // Assess
    expect(before.status).toBe('awaiting_upload');
    expect(last.status).toBe('active');
    expect(last.assetUri).toMatch(/^asset:\/\/asset-/);
    expect(last.fileName).toBe('avatar.png');
    expect([...seen].every((s) => s === 'validating' || s === 'ingesting')).toBe(true);
    expect(seen.has('ingesting')).toBe(true);
  });
});
