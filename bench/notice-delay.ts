/**
 * Notice delay and upstream GETs per video at real pacing (time scale 1), simulated 30 s tasks:
 *  - polling only: no callback_url (the schedule of functions/core/video/job.ts: 20 s, then ×1.25, cap 30 s);
 *  - callbacks: the simulator POSTs the signed callback_url, the route re-fetches and wakes the
 *    waiting state, SaveVideo takes the fetched task (no second GET);
 *  - callbacks lost: callback_url passed but the simulator sends none (APIYI may not forward them):
 *    the fallback poll (VIDEO_CALLBACK_FALLBACK_SECONDS, 60 s) finishes every video.
 * Delay = first sample of our record at `saving` (or later) minus first sample of the simulator's task
 * at `succeeded` (both every 20 ms); GETs include SaveVideo's. Run alone: `npx tsx bench/notice-delay.ts`.
 */
import { pathToFileURL } from 'node:url';
import { startLocalStack } from '../local/start';
import { measureNotice, type NoticeFigures } from './lib/notice';

const DEV = { accessKeyId: 'AKIDBENCHNOTICE', secretAccessKey: 'bench-notice-secret' };
const VIDEOS = Number(process.env.BENCH_NOTICE_VIDEOS ?? 6);

async function mode(callbacks: boolean, simCallbacks: boolean): Promise<Omit<NoticeFigures, 'delaysMs'>> {
  process.env.LOG_LEVEL = 'warn';
  const stack = await startLocalStack({
    port: 0,
    timeScale: 1,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    cleanupIntervalSeconds: 0,
    callbacks,
    simulator: {
      taskQueuedMs: 1_000,
      taskRunningMs: 30_000,
      videoBytes: 0,
      taskAccount: 'enterprise',
      callbacks: simCallbacks,
    },
  });
  try {
    const { delaysMs: _d, ...f } = await measureNotice(stack, { videos: VIDEOS, timeoutMs: 150_000 });
    return f;
  } finally {
    await stack.close();
  }
}

const r0 = (x: number) => Math.round(x);
const r2 = (x: number) => Math.round(x * 100) / 100;

export async function run(): Promise<Record<string, unknown>> {
  const polling = await mode(false, true);
  const callbacks = await mode(true, true);
  const lost = await mode(true, false);
  return {
    headline: [
      'pollingMedianDelayMs',
      'callbackMedianDelayMs',
      'pollingGetsPerVideo',
      'callbackGetsPerVideo',
      'lostCallbacksMedianDelayMs',
      'lostCallbacksSucceeded',
    ],
    videosPerMode: VIDEOS,
    pollingMedianDelayMs: r0(polling.medianDelayMs),
    callbackMedianDelayMs: r0(callbacks.medianDelayMs),
    lostCallbacksMedianDelayMs: r0(lost.medianDelayMs),
    pollingGetsPerVideo: r2(polling.getsPerVideo),
    callbackGetsPerVideo: r2(callbacks.getsPerVideo),
    lostCallbacksGetsPerVideo: r2(lost.getsPerVideo),
    lostCallbacksSucceeded: `${lost.succeeded}/${lost.videos}`,
    modes: {
      polling: { ...polling, medianDelayMs: r0(polling.medianDelayMs), maxDelayMs: r0(polling.maxDelayMs) },
      callbacks: {
        ...callbacks,
        medianDelayMs: r0(callbacks.medianDelayMs),
        maxDelayMs: r0(callbacks.maxDelayMs),
      },
      callbacksLost: { ...lost, medianDelayMs: r0(lost.medianDelayMs), maxDelayMs: r0(lost.maxDelayMs) },
    },
    notes: [
      'Time scale 1, simulated tasks 1 s queued + 30 s running, enterprise account (no slot queueing), videos posted together.',
      'Delay: simulator task `succeeded` → our record `saving` (or later), sampled every 20 ms in the same process.',
      'GETs per video: the simulator GetTask counter / videos, SaveVideo included.',
      'Callbacks lost: callback_url passed, the simulator sends none; the 60 s fallback poll finishes every video.',
    ],
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
