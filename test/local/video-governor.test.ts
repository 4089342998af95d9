/**
 * The task API's governor through the whole local stack, at a declared tier (a personal account: 3
 * running tasks per model, 180 creates per minute, Get task 20 per second), clock scaled: 30 videos at
 * once on 3 upstream slots with 30 s tasks. Every video succeeds and none times out, the simulator never
 * accepted more than 20 Get-task calls in any second nor throttled one, and while the burst drains the
 * waiting videos read `queued` with a place in line that only goes down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  duplicateTasks,
  openLoadStack,
  runUploadBatch,
  runVideoBatch,
  type LoadStack,
  type VideoBatch,
} from '../../bench/lib/load';

const TIME_SCALE = 0.05; // a 30 s task runs 1.5 s; the 60 s minute lasts 3 s
const VIDEOS = 30;

let l: LoadStack;
let batch: VideoBatch;
/** Every (queuePosition) each video showed while queued for our budget, in the order seen. */
const seen = new Map<string, number[]>();

beforeAll(async () => {
  l = await openLoadStack({
    timeScale: TIME_SCALE,
    simulator: {
      seed: 5,
      tier: 'basic',
      taskAccount: 'personal',
      taskQueuedMs: 2_000,
      taskRunningMs: 30_000,
      videoBytes: 0,
    },
  });
  const group = await l.client.createGroup({ name: 'video-governor' });
  const uploads = await runUploadBatch(l, group.groupId, 1, { deadlineMs: 60_000 });
  const assetId = uploads.outcomes[0]?.status?.assetId;
  if (!assetId) throw new Error(`no asset for the videos: ${JSON.stringify(uploads.outcomes[0])}`);
  l.sim.control.resetCounters();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const page = await l.client.listVideos({ status: 'queued', pageSize: 100 }).catch(() => undefined);
      for (const v of page?.items ?? []) {
        if (v.queuePosition === undefined) continue;
        const list = seen.get(v.videoId) ?? [];
        if (list.at(-1) !== v.queuePosition) list.push(v.queuePosition);
        seen.set(v.videoId, list);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  batch = await runVideoBatch(l, assetId, VIDEOS, { deadlineMs: 120_000 });
  sampling = false;
  await sampler;
}, 180_000);

afterAll(async () => {
  await l?.close();
});

describe('30 videos at once on 3 upstream slots (personal account, 30 s tasks)', () => {
  it('brings every video to succeeded, none timed out, one upstream task each', () => {
    // Assess
    const statuses = batch.outcomes.map((o) => o.job?.status ?? o.createError ?? 'no status');
    expect(
      statuses.filter((s) => s !== 'succeeded'),
      JSON.stringify(batch.outcomes.slice(0, 2)),
    ).toEqual([]);
    expect(duplicateTasks(l.sim)).toEqual({ duplicates: 0, tasks: VIDEOS });
  });

  it('keeps Get task inside its budget: never more than 20 accepted in any second, none throttled', () => {
    // Assess
    const get = l.sim.control.rateStats().GetTask;
    expect(get?.accepted).toBeGreaterThanOrEqual(VIDEOS);
    expect(get?.maxAcceptedInSecond).toBeLessThanOrEqual(20);
    expect(get?.throttled).toBe(0);
  });

  it('shows the waiting videos queued with a place in line that goes down as the slots free', () => {
    // Assess
    const tracks = [...seen.values()];
    expect(tracks.length).toBeGreaterThanOrEqual(VIDEOS / 2);
    for (const t of tracks)
      expect(
        t.every((p, i) => i === 0 || p < (t[i - 1] as number)),
        String(t),
      ).toBe(true);
    expect(tracks.some((t) => t.length >= 3)).toBe(true);
  });

  it('creates no task while the model has no free slot: at most 3 of ours queued or running upstream at once', () => {
    // Assess: at each creation, how many tasks were created and not yet ended (ms, as the simulator ran them)
    const life = l.sim.control.taskTimeline();
    const inFlight = life.map(
      (t) => life.filter((o) => o.createdAt <= t.createdAt && t.createdAt < (o.endAt ?? Infinity)).length,
    );
    expect(life).toHaveLength(VIDEOS);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(3);
    expect(Math.max(...inFlight)).toBe(3);
  });
});
