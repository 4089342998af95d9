/**
 * Drives uploads and videos through the local stack's REST API, the way clients would (SigV4-signed
 * calls, presigned POSTs to S3), and observes the outcome: the API's final answer per job, the local
 * Step Functions executions (observed in process, so watching costs the system under test nothing)
 * and the simulator's counters and snapshots (throttled calls, duplicates). Shared by the throughput
 * benchmark and the fault suite.
 */
import { ApiClient, ApiCallError } from '../../cli/api-client';
import type { UploadStatus, VideoJob } from '../../cli/api-types';
import { createSigner } from '../../cli/signing';
import { sendUpload, type LocalFile } from '../../cli/uploads';
import { makeAvatarPng } from '../../local/avatar';
import { executionArn, type ExecutionRecord } from '../../local/sfn/executions';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/start';
import type { ActionCounter, Simulator } from '../../local/upstream-sim';

export interface LoadStack {
  stack: LocalStack;
  sim: Simulator;
  client: ApiClient;
  /** Calls the driver repeated after a retryable answer (see withClientRetries). */
  clientRetries: number;
  close(): Promise<void>;
}

/** Starts the local stack with the simulator upstream and a signed API client for it. */
export async function openLoadStack(opts: LocalStackOptions): Promise<LoadStack> {
  const stack = await startLocalStack({ port: 0, upstream: 'sim', cleanupIntervalSeconds: 0, ...opts });
  const sim = stack.simulator;
  if (!sim) {
    await stack.close();
    throw new Error('the local stack started without the simulator');
  }
  const client = new ApiClient({
    baseUrl: stack.apiUrl,
    signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
    timeoutMs: 120_000,
    maxAttempts: 5,
  });
  return { stack, sim, client, clientRetries: 0, close: () => stack.close() };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Answers a client should retry: throttled, upstream failed or timed out, or no answer at all. */
const RETRYABLE_STATUS = new Set([0, 429, 502, 503, 504]);

/**
 * Retries a call the way a careful client does, with jittered backoff, only on answers that say
 * nothing was done (or, for createVideo, with the same Idempotency-Key so a repeat starts nothing twice).
 */
async function withClientRetries<T>(l: LoadStack, fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiCallError && RETRYABLE_STATUS.has(e.status)) || i >= attempts) throw e;
      l.clientRetries += 1;
      await sleep(Math.random() * Math.min(4_000, 250 * 2 ** i));
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof ApiCallError) return `${e.status} ${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Waits for each named execution to exist (the S3 trigger starts ingest asynchronously) and to close. */
async function settleExecutions(
  l: LoadStack,
  machine: 'ingest' | 'video',
  names: readonly string[],
  deadlineMs: number,
): Promise<Map<string, ExecutionRecord>> {
  const found = new Map<string, ExecutionRecord>();
  const deadline = Date.now() + deadlineMs;
  while (found.size < names.length && Date.now() < deadline) {
    for (const n of names) {
      if (found.has(n)) continue;
      try {
        found.set(n, l.stack.sfn.store.get(executionArn(machine, n)));
      } catch {
        // not started yet
      }
    }
    if (found.size < names.length) await sleep(100);
  }
  const left = deadline - Date.now();
  await Promise.race([Promise.all([...found.values()].map((r) => r.done)), sleep(Math.max(0, left))]);
  return found;
}

export interface UploadOutcome {
  /** Position in the batch (what `fileFor` was called with). */
  index: number;
  uploadId?: string;
  /** ms from the start of the batch until the presigned POST was accepted. */
  sentMs?: number;
  /** ms from the start of the batch until the ingest execution closed. */
  doneMs?: number;
  sendError?: string;
  status?: UploadStatus;
}

export interface UploadBatch {
  outcomes: UploadOutcome[];
  startedAt: number;
  executions: Map<string, ExecutionRecord>;
}

/** Sends `count` uploads of one image at once and waits until every ingest execution has closed. */
export async function runUploadBatch(
  l: LoadStack,
  groupId: string,
  count: number,
  opts: { fileFor?: (i: number) => LocalFile; deadlineMs?: number } = {},
): Promise<UploadBatch> {
  const avatar = makeAvatarPng();
  const fileFor =
    opts.fileFor ??
    (() => ({ path: 'avatar.png', fileName: 'avatar.png', bytes: avatar, contentType: 'image/png' }));
  const startedAt = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: count }, async (_, i): Promise<UploadOutcome> => {
      const file = fileFor(i);
      try {
        const sent = await withClientRetries(l, () => sendUpload(l.client, groupId, file));
        return { index: i, uploadId: sent.uploadId, sentMs: Date.now() - startedAt };
      } catch (e) {
        return { index: i, sendError: errorText(e) };
      }
    }),
  );
  const ids = outcomes.flatMap((o) => (o.uploadId ? [o.uploadId] : []));
  const executions = await settleExecutions(l, 'ingest', ids, opts.deadlineMs ?? 600_000);
  for (const o of outcomes) {
    const stop = o.uploadId ? executions.get(o.uploadId)?.stopDate : undefined;
    if (stop) o.doneMs = stop.getTime() - startedAt;
  }
  await mapLimit(outcomes, 8, async (o) => {
    if (!o.uploadId) return;
    try {
      const id = o.uploadId;
      o.status = await withClientRetries(l, () => l.client.getUpload(groupId, id));
    } catch (e) {
      o.sendError = `status: ${errorText(e)}`;
    }
  });
  return { outcomes, startedAt, executions };
}

export interface VideoOutcome {
  index: number;
  videoId?: string;
  acceptedMs?: number;
  doneMs?: number;
  createError?: string;
  job?: VideoJob;
}

export interface VideoBatch {
  outcomes: VideoOutcome[];
  startedAt: number;
  executions: Map<string, ExecutionRecord>;
}

/** Starts `count` videos referencing one asset at once and waits until every execution has closed. */
export async function runVideoBatch(
  l: LoadStack,
  assetId: string,
  count: number,
  opts: { deadlineMs?: number } = {},
): Promise<VideoBatch> {
  const startedAt = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: count }, async (_, i): Promise<VideoOutcome> => {
      try {
        const job = await withClientRetries(l, () =>
          l.client.createVideo(
            {
              prompt: `Image 1 waves at the camera, take ${i + 1}`,
              references: [{ assetId }],
              ratio: '3:4',
              duration: 5,
            },
            `bench-${startedAt}-${i}`,
          ),
        );
        return { index: i, videoId: job.videoId, acceptedMs: Date.now() - startedAt };
      } catch (e) {
        return { index: i, createError: errorText(e) };
      }
    }),
  );
  const ids = outcomes.flatMap((o) => (o.videoId ? [o.videoId] : []));
  const executions = await settleExecutions(l, 'video', ids, opts.deadlineMs ?? 600_000);
  for (const o of outcomes) {
    const stop = o.videoId ? executions.get(o.videoId)?.stopDate : undefined;
    if (stop) o.doneMs = stop.getTime() - startedAt;
  }
  await mapLimit(outcomes, 8, async (o) => {
    if (!o.videoId) return;
    try {
      const id = o.videoId;
      o.job = await withClientRetries(l, () => l.client.getVideo(id));
    } catch (e) {
      o.createError = `status: ${errorText(e)}`;
    }
  });
  return { outcomes, startedAt, executions };
}

/** Runs fn over items with at most `limit` in flight. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

/** How many simulator assets share a Name (= upload ID) with another: each one is a duplicate CreateAsset. */
export function duplicateAssets(sim: Simulator): { duplicates: number; names: string[] } {
  const byName = new Map<string, number>();
  for (const a of sim.control.assets()) {
    const name = typeof a.Name === 'string' ? a.Name : '';
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  const names = [...byName.entries()].filter(([, n]) => n > 1).map(([k]) => k);
  return { duplicates: names.reduce((acc, k) => acc + (byName.get(k) ?? 1) - 1, 0), names };
}

/** Upstream tasks per seed (our seed is derived from the video ID): more than one is a paid duplicate. */
export function duplicateTasks(sim: Simulator): { duplicates: number; tasks: number } {
  const bySeed = new Map<string, number>();
  const tasks = sim.control.tasks();
  for (const t of tasks) {
    const seed = String(t.seed ?? '');
    bySeed.set(seed, (bySeed.get(seed) ?? 0) + 1);
  }
  return { duplicates: [...bySeed.values()].reduce((acc, n) => acc + n - 1, 0), tasks: tasks.length };
}

/**
 * Samples one simulator counter every `everyMs`, so a rate can be read off the timeline: the time of
 * the first call and the time the `ok` count reached a target.
 */
export class CounterTimeline {
  private readonly samples: { t: number; c: ActionCounter }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly action: string,
    private readonly everyMs = 100,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const c = this.sim.control.counters()[this.action] ?? { calls: 0, ok: 0, throttled: 0, faulted: 0 };
    this.samples.push({ t: Date.now(), c: { ...c } });
  }

  firstCallAt(): number | undefined {
    return this.samples.find((s) => s.c.calls > 0)?.t;
  }

  /** Successes at time `t` (the last sample at or before it). */
  okAt(t: number): number {
    let ok = 0;
    for (const s of this.samples) {
      if (s.t > t) break;
      ok = s.c.ok;
    }
    return ok;
  }

  okReachedAt(n: number): number | undefined {
    return this.samples.find((s) => s.c.ok >= n)?.t;
  }

  /** Successes per second over the busiest `windowMs` (the steady rate, without the ramp-up and tail). */
  peakRate(windowMs: number): number {
    let best = 0;
    for (let i = 0, j = 0; i < this.samples.length; i++) {
      const a = this.samples[i] as { t: number; c: ActionCounter };
      while (j < this.samples.length && (this.samples[j] as { t: number }).t - a.t < windowMs) j++;
      const b = this.samples[Math.min(j, this.samples.length - 1)] as { t: number; c: ActionCounter };
      if (b.t > a.t) best = Math.max(best, ((b.c.ok - a.c.ok) * 1000) / (b.t - a.t));
    }
    return best;
  }
}
