/**
 * Notice delay of finished videos on a running local stack: from the moment the simulator's task
 * reads `succeeded` to the moment our record first reads `saving` (or later), both sampled every
 * `sampleMs` in this process, plus upstream GETs per video from the simulator's counters. Shared by
 * bench/notice-delay.ts (real pacing) and test/local/callbacks.test.ts (scaled).
 */
import { createSigner } from '../../cli/signing';
import type { LocalStack } from '../../local/start';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';

export interface NoticeFigures {
  videos: number;
  succeeded: number;
  /** Milliseconds, one per succeeded video. */
  delaysMs: number[];
  medianDelayMs: number;
  maxDelayMs: number;
  getsPerVideo: number;
  wallMs: number;
}

type SimTask = { id: string; status: string };

export async function measureNotice(
  stack: LocalStack,
  opts: { videos: number; sampleMs?: number; timeoutMs: number },
): Promise<NoticeFigures> {
  const sim = stack.simulator;
  if (!sim) throw new Error('the notice bench needs the simulator');
  const sign = createSigner({ credentials: stack.credentials, region: 'us-east-1' });
  const records = new DynamoRecordStore(stack.table);
  const sampleMs = opts.sampleMs ?? 20;
  sim.control.resetCounters();
  const t0 = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < opts.videos; i++) {
    const url = new URL('/videos', stack.apiUrl);
    const body = JSON.stringify({ prompt: `notice bench ${i}: a kite over a beach, slow pan` });
    const headers = { 'content-type': 'application/json' };
    const res = await fetch(url, {
      method: 'POST',
      headers: await sign({ method: 'POST', url, headers, body }),
      body,
    });
    const json = (await res.json()) as { videoId?: string };
    if (res.status !== 202 || !json.videoId) throw new Error(`POST /videos answered ${res.status}`);
    ids.push(json.videoId);
  }
  const taskOf = new Map<string, string>();
  const succeededAt = new Map<string, number>();
  const savingAt = new Map<string, number>();
  const ended = new Set<string>();
  while (ended.size < ids.length && Date.now() - t0 < opts.timeoutMs) {
    const now = Date.now();
    const tasks = new Map((sim.control.tasks() as SimTask[]).map((t) => [t.id, t.status]));
    await Promise.all(
      ids.map(async (id) => {
        if (ended.has(id)) return;
        const r = await records.get('video', id);
        if (r?.kind === 'video' && r.taskId) taskOf.set(id, r.taskId);
        const taskId = taskOf.get(id);
        if (taskId && tasks.get(taskId) === 'succeeded' && !succeededAt.has(id)) succeededAt.set(id, now);
        const status = r?.status;
        if ((status === 'saving' || status === 'succeeded') && !savingAt.has(id)) savingAt.set(id, now);
        if (status && ['succeeded', 'failed', 'expired', 'cancelled', 'timed_out'].includes(status))
          ended.add(id);
      }),
    );
    await new Promise((r) => setTimeout(r, sampleMs));
  }
  const delays = ids
    .filter((id) => succeededAt.has(id) && savingAt.has(id))
    .map((id) => Math.max(0, (savingAt.get(id) ?? 0) - (succeededAt.get(id) ?? 0)))
    .sort((a, b) => a - b);
  const gets = sim.control.counters().GetTask?.calls ?? 0;
  const mid = Math.floor(delays.length / 2);
  const median =
    delays.length === 0
      ? NaN
      : delays.length % 2
        ? (delays[mid] ?? 0)
        : ((delays[mid - 1] ?? 0) + (delays[mid] ?? 0)) / 2;
  const succeeded = (
    await Promise.all(ids.map(async (id) => (await records.get('video', id))?.status === 'succeeded'))
  ).filter(Boolean).length;
  return {
    videos: ids.length,
    succeeded,
    delaysMs: delays,
    medianDelayMs: median,
    maxDelayMs: delays.at(-1) ?? NaN,
    getsPerVideo: gets / ids.length,
    wallMs: Date.now() - t0,
  };
}
