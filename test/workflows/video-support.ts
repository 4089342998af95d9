// Shared set-up of the video workflow tests: the upstream simulator behind a small rewriting proxy,
// s3rver, the environment the real step handlers read, and execution inputs built as POST /videos does.
import { createHash } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createVideoBody } from '../../functions/core/api-schemas/videos';
import {
  buildCreateTaskInput,
  executionExpiresAfter,
  fingerprint,
  newVideoId,
  seedFor,
  type VideoJobInput,
} from '../../functions/core/video';
import { logger } from '../../functions/shared/logger';
import { startLocalS3, type LocalS3 } from '../../local/s3/server';
import { startTestTable, type TestTable } from '../support/state-table';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim';

export const BUCKET = 'seedance-video-test';
export const MODEL = 'doubao-seedance-2-0-260128';
const S3_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Sits between the steps and the simulator to produce what the simulator cannot on its own:
 * - `processingAnswers`: the next N GetTask answers say `processing` (a status this code does not know);
 * - `dropCreateAnswers`: the next N CreateTask calls reach the simulator (the task is created) but the
 *   connection is cut before the answer, as when a response is lost on the way back.
 */
export interface Proxy {
  url: string;
  processingAnswers: number;
  dropCreateAnswers: number;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const t = new URL(target);
  const proxy = { processingAnswers: 0, dropCreateAnswers: 0 } as Proxy;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const isCreate = req.method === 'POST' && /\/tasks\/?$/.test(req.url ?? '');
      const isGet = req.method === 'GET' && /\/tasks\/[^/?]+$/.test(req.url ?? '');
      const up = httpRequest(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          const body: Buffer[] = [];
          upRes.on('data', (c: Buffer) => body.push(c));
          upRes.on('end', () => {
            let out = Buffer.concat(body);
            if (isCreate && proxy.dropCreateAnswers > 0) {
              proxy.dropCreateAnswers--;
              req.socket.destroy();
              return;
            }
            if (isGet && proxy.processingAnswers > 0 && upRes.statusCode === 200) {
              const json = JSON.parse(out.toString()) as { status?: string };
              if (json.status === 'queued' || json.status === 'running') {
                proxy.processingAnswers--;
                json.status = 'processing';
                out = Buffer.from(JSON.stringify(json));
              }
            }
            const headers = { ...upRes.headers, 'content-length': String(out.length) };
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(out);
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

export interface VideoRig {
  sim: Simulator;
  proxy: Proxy;
  s3server: LocalS3;
  s3: S3Client;
  /** Every log line the steps wrote (the logger's sink is captured, not printed). */
  logLines: string[];
  /** The state table the steps write to (dynalite). */
  table: TestTable;
  close(): Promise<void>;
}

/** Simulated upstream time runs at SIM_SCALE; our waits, retries and the deadline at STEP_SCALE. */
export const SIM_SCALE = 0.002;
export const STEP_SCALE = 0.01;
/** 300 s of deadline × STEP_SCALE = 3 s of real time. */
export const DEADLINE_SECONDS = 300;
export const SIM_DEFAULTS = { taskQueuedMs: 20_000, taskRunningMs: 60_000, videoBytes: 0 };

export async function startVideoRig(): Promise<VideoRig> {
  // Tasks as on a personal account (3 running per model, the real default); assets seldom matter here.
  const sim = await startSimulator({
    port: 0,
    quiet: true,
    timeScale: SIM_SCALE,
    seed: 7,
    tier: 'premium',
    taskAccount: 'personal',
    ...SIM_DEFAULTS,
  });
  const proxy = await startProxy(sim.url);
  const s3server = await startLocalS3({ buckets: [BUCKET], credentials: [S3_KEYS] });
  const table = await startTestTable();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3server.url,
    S3_FORCE_PATH_STYLE: 'true',
    BUCKET_NAME: BUCKET,
    CREDENTIALS_SECRET_ID: 'seedance/test',
    SEEDANCE_API_BASE: `${proxy.url}/seedance`,
    VOLC_ENDPOINT: sim.url,
    TIME_SCALE: String(STEP_SCALE),
    VIDEO_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
    UPSTREAM_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'error',
  });
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({
      accessKeyId: SIM_DEFAULT_CREDENTIALS.accessKeyId,
      secretAccessKey: SIM_DEFAULT_CREDENTIALS.secretAccessKey,
      apiToken: SIM_DEFAULT_CREDENTIALS.apiToken,
    }),
  });
  const logLines: string[] = [];
  logger.setSink((line) => logLines.push(line));
  logger.setLevel('debug');
  const s3 = new S3Client({
    endpoint: s3server.url,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3_KEYS,
  });
  return {
    sim,
    proxy,
    s3server,
    s3,
    logLines,
    table,
    close: async () => {
      await table.stop();
      secrets.restore();
      s3.destroy();
      await proxy.close();
      await sim.close();
      await s3server.close();
    },
  };
}

/** An execution input exactly as POST /videos builds it. */
export function videoInput(body: Record<string, unknown> = {}, videoId = newVideoId()): VideoJobInput {
  const parsed = createVideoBody.parse({ prompt: 'A paper boat sails across a puddle', ...body });
  const model = parsed.model ?? MODEL;
  return {
    videoId,
    fingerprint: fingerprint({ ...parsed, model }),
    requestedAt: new Date().toISOString(),
    request: buildCreateTaskInput(parsed, {
      model,
      seed: seedFor(videoId, parsed.seed),
      executionExpiresAfter: executionExpiresAfter(DEADLINE_SECONDS),
    }),
  };
}

export async function s3Object(s3: S3Client, key: string): Promise<{ bytes: Buffer; contentType?: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const bytes = Buffer.from(
    await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
  return { bytes, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** What the simulator serves as the task's video (fetched fresh from a GET task link). */
export async function simMedia(
  sim: Simulator,
  taskId: string,
  which: 'video_url' | 'last_frame_url',
): Promise<Buffer> {
  const res = await fetch(`${sim.url}/seedance/api/v3/contents/generations/tasks/${taskId}`, {
    headers: { authorization: `Bearer ${SIM_DEFAULT_CREDENTIALS.apiToken}` },
  });
  const task = (await res.json()) as { content?: Record<string, string> };
  const link = task.content?.[which];
  if (!link) throw new Error(`task ${taskId} has no ${which}`);
  return Buffer.from(await (await fetch(link)).arrayBuffer());
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
