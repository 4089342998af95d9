/**
 * Throughput under the upstream's real rate limits: N uploads at once through the local stack's REST
 * API (presigned POST → S3 trigger → ingest state machine → CreateAsset / GetAsset against the
 * simulator at CreateAsset 10 QPS, GetAsset 100 QPS), then M videos at once.
 *
 * Time scale: the stack runs at 1 (real Wait and Retry intervals), because those intervals are what
 * meets the real-time rate limits; scaling them down would turn a polite retry into a storm and make the
 * limit figures meaningless. Only the simulator's processing delays (asset processing, task queue and
 * render) are shortened, by SIM_DELAY_SCALE: that moves nothing but the moment upstream reports done.
 */
import { pathToFileURL } from 'node:url';
import type { ActionCounter } from '../local/upstream-sim';
import {
  CounterTimeline,
  duplicateAssets,
  duplicateTasks,
  openLoadStack,
  runUploadBatch,
  runVideoBatch,
  type UploadBatch,
  type VideoBatch,
} from './lib/load';
import { round } from './lib/stats';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 300);
const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 50);
/** Multiplies the simulator's default asset (5–13 s) and task (20 s queued + 60 s running) delays. */
const SIM_DELAY_SCALE = Number(process.env.BENCH_SIM_DELAY_SCALE ?? 0.1);
const CREATE_ASSET_QPS = 10;
const GET_ASSET_QPS = 100;

const counterOf = (c: Record<string, ActionCounter>, a: string): ActionCounter =>
  c[a] ?? { calls: 0, ok: 0, throttled: 0, faulted: 0 };

function tally(values: readonly (string | undefined)[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v ?? 'none', (m.get(v ?? 'none') ?? 0) + 1);
  return [...m.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
}

function uploadFigures(
  batch: UploadBatch,
  timeline: CounterTimeline,
  counters: Record<string, ActionCounter>,
) {
  const sent = batch.outcomes.filter((o) => o.uploadId);
  const active = sent.filter((o) => o.status?.status === 'active');
  const created = counterOf(counters, 'CreateAsset');
  const get = counterOf(counters, 'GetAsset');
  const first = timeline.firstCallAt();
  const last = timeline.okReachedAt(created.ok);
  const rate =
    first !== undefined && last !== undefined && last > first ? (created.ok * 1000) / (last - first) : 0;
  const allActiveMs =
    active.length === UPLOADS ? Math.max(...active.map((o) => o.doneMs ?? Infinity)) : undefined;
  return {
    uploads: UPLOADS,
    timeToAllActiveS: allActiveMs === undefined ? 'not all active' : round(allActiveMs / 1000, 1),
    createAssetRateQps: round(rate, 2),
    createAssetRateOfLimit: round(rate / CREATE_ASSET_QPS, 2),
    createAssetThrottled: created.throttled,
    getAssetThrottled: get.throttled,
    duplicateCreateAsset: duplicateAssets(batchSim).duplicates,
    lostUploads: UPLOADS - active.length,
    active: active.length,
    finalStatuses: tally(
      batch.outcomes.map((o) => o.status?.status ?? (o.sendError ? 'send failed' : undefined)),
    ),
    timeToAllSentS: round(Math.max(...sent.map((o) => o.sentMs ?? 0)) / 1000, 1),
    floorS: round(UPLOADS / CREATE_ASSET_QPS, 1),
    createAssetPeak10sQps: round(timeline.peakRate(10_000), 2),
    createAssetCalls: created.calls,
    createAssetOk: created.ok,
    getAssetCalls: get.calls,
    getAssetPollsPerUpload: round(get.calls / Math.max(1, active.length), 2),
    getAssetLimitQps: GET_ASSET_QPS,
    sendErrors: batch.outcomes
      .filter((o) => o.sendError)
      .map((o) => o.sendError)
      .slice(0, 3),
  };
}

function videoFigures(batch: VideoBatch, counters: Record<string, ActionCounter>) {
  const accepted = batch.outcomes.filter((o) => o.videoId);
  const ok = accepted.filter((o) => o.job?.status === 'succeeded');
  const create = counterOf(counters, 'CreateTask');
  const get = counterOf(counters, 'GetTask');
  const allDoneMs = ok.length === VIDEOS ? Math.max(...ok.map((o) => o.doneMs ?? Infinity)) : undefined;
  return {
    videos: VIDEOS,
    timeToAllSucceededS: allDoneMs === undefined ? 'not all succeeded' : round(allDoneMs / 1000, 1),
    succeeded: ok.length,
    lostVideos: VIDEOS - ok.length,
    duplicateTasks: duplicateTasks(batchSim).duplicates,
    finalStatuses: tally(
      batch.outcomes.map((o) => o.job?.status ?? (o.createError ? 'create failed' : undefined)),
    ),
    createTaskCalls: create.calls,
    createTaskThrottled: create.throttled,
    getTaskCalls: get.calls,
    getTaskPollsPerVideo: round(get.calls / Math.max(1, ok.length), 2),
    getTaskThrottled: get.throttled,
    listTasksCalls: counterOf(counters, 'ListTasks').calls,
    videoFileDownloads: counterOf(counters, 'GetVideoFile').calls,
    createErrors: batch.outcomes
      .filter((o) => o.createError)
      .map((o) => o.createError)
      .slice(0, 3),
  };
}

// The simulator of the current run, for the duplicate checks in the figure builders.
let batchSim: Parameters<typeof duplicateAssets>[0];

export async function run(): Promise<Record<string, unknown>> {
  // Handlers run in this process: keep their per-call log lines out of the benchmark output.
  process.env.LOG_LEVEL = 'error';
  const l = await openLoadStack({
    timeScale: 1,
    simulator: {
      quiet: true,
      seed: 42,
      assetDelayMs: [5_000 * SIM_DELAY_SCALE, 13_000 * SIM_DELAY_SCALE],
      taskQueuedMs: 20_000 * SIM_DELAY_SCALE,
      taskRunningMs: 60_000 * SIM_DELAY_SCALE,
      rateLimits: { CreateAsset: CREATE_ASSET_QPS, GetAsset: GET_ASSET_QPS },
      // The most generous real account: 300 uploads fit premium's 300 CreateAsset per minute, and 10
      // tasks run per model. bench/real-limits.ts measures the basic and advanced tiers.
      tier: 'premium',
      taskAccount: 'enterprise',
    },
  });
  batchSim = l.sim;
  try {
    const group = await l.client.createGroup({
      name: 'bench-throughput',
      description: 'bench/throughput.ts',
    });
    l.sim.control.resetCounters();
    const timeline = new CounterTimeline(l.sim, 'CreateAsset').start();
    const uploads = await runUploadBatch(l, group.groupId, UPLOADS);
    timeline.stop();
    const upload = uploadFigures(uploads, timeline, l.sim.control.counters());

    const assetId = uploads.outcomes.find((o) => o.status?.status === 'active')?.status?.assetId;
    let video: Record<string, unknown> = { skipped: 'no active asset to reference' };
    if (assetId && VIDEOS > 0) {
      l.sim.control.resetCounters();
      video = videoFigures(await runVideoBatch(l, assetId, VIDEOS), l.sim.control.counters());
    }
    return {
      title: `Throughput: ${UPLOADS} uploads, then ${VIDEOS} videos, at once`,
      notes: [
        `Local stack (npm start's startLocalStack) at time scale 1: Step Functions Wait and Retry intervals as deployed. Simulator with its real rate limits of a premium, enterprise account (CreateAsset ${CREATE_ASSET_QPS} QPS and 300 per minute, GetAsset ${GET_ASSET_QPS} QPS, other actions 10 QPS; 10 running tasks per model, GetTask 20 QPS), processing delays × ${SIM_DELAY_SCALE} (assets ${5 * SIM_DELAY_SCALE}–${13 * SIM_DELAY_SCALE} s, tasks ${20 * SIM_DELAY_SCALE} s queued + ${60 * SIM_DELAY_SCALE} s running).`,
        'Clients: SigV4-signed REST calls (cli/api-client.ts) and presigned POSTs, all fired at once; completion observed on the local Step Functions executions, final state read back through the API.',
        `CreateAsset rate = successful CreateAsset ÷ seconds from the first CreateAsset call to the last success; reference: the limit (${CREATE_ASSET_QPS} QPS, floor ${round(UPLOADS / CREATE_ASSET_QPS, 1)} s for ${UPLOADS}). Duplicates: simulator assets sharing a Name (= upload ID); tasks sharing a seed (derived from the video ID).`,
      ],
      headline: [
        'timeToAllActiveS',
        'createAssetRateOfLimit',
        'createAssetThrottled',
        'duplicateCreateAsset',
        'lostUploads',
        'timeToAllSucceededS',
        'duplicateTasks',
        'lostVideos',
      ],
      uploads: upload.uploads,
      timeToAllActiveS: upload.timeToAllActiveS,
      createAssetRateOfLimit: upload.createAssetRateOfLimit,
      createAssetRateQps: upload.createAssetRateQps,
      createAssetThrottled: upload.createAssetThrottled,
      duplicateCreateAsset: upload.duplicateCreateAsset,
      lostUploads: upload.lostUploads,
      videos: VIDEOS,
      timeToAllSucceededS: video.timeToAllSucceededS,
      duplicateTasks: video.duplicateTasks,
      lostVideos: video.lostVideos,
      clientRetries: l.clientRetries,
      uploadDetails: upload,
      videoDetails: video,
    };
  } finally {
    await l.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
  process.exit(0);
}
