import { describe, expect, it } from 'vitest';
import {
  createAssetBudget,
  emptyBudgetState,
  epochOf,
  gaveUp,
  lateToleranceMs,
  momentOf,
  keptAheadMs,
  onThrottle,
  onWaking,
  planIndex,
  startedAfter,
  throttledEpoch,
  wakeBefore,
  type BudgetSpec,
  type BudgetState,
  type Epoch,
} from '../../functions/core/governor';

const span = (spec: BudgetSpec) => spec.windowMs + spec.marginMs;
const withEpoch = (
  { prevAt: _a, prevLimit: _l, prevCarry: _c, prevTaken: _t, given: _g, prevGiven: _pg, ...s }: BudgetState,
  ep: Epoch,
): BudgetState => ({
  ...s,
  epoch: ep.epoch,
  epochAt: ep.at,
  epochLimit: ep.limit,
  carry: ep.carry,
  taken: ep.taken,
});

interface Job {
  id: number;
  wakeAt: number;
  asks: number;
  ticket?: number;
  epoch?: number;
  /** Sleeping in process onto this moment of its index, planned at `since`. */
  onto?: { epoch: number; at: number; since: number };
}

/**
 * Runs jobs against a counted budget the way acquire.ts does, one at a time (the store's ADD and its
 * conditional epoch start are atomic, so a sequential run is one of the orders a real run can take):
 * each job takes an index, or reads its epoch again, and goes, sleeps or starts an epoch as planned; a
 * job whose moment is a little ahead sleeps onto it and looks at the item once more before it calls.
 */
function simulate(
  spec: BudgetSpec,
  arrivals: readonly number[],
  opts: {
    state?: BudgetState;
    crashed?: Set<number>;
    /** How late the state machine wakes the job. */
    latencyMs?: (id: number) => number;
    /** Called before each ask; may change the state (a throttle). */
    before?: (now: number, s: BudgetState) => BudgetState;
  } = {},
) {
  let state = opts.state ?? emptyBudgetState();
  const pending = new Set<Job>(arrivals.map((at, i) => ({ id: i + 1, wakeAt: at, asks: 0 })));
  const all = [...pending];
  const calls: { id: number; at: number }[] = [];
  while (pending.size > 0) {
    const job = [...pending].sort((a, b) => a.wakeAt - b.wakeAt || a.id - b.id)[0] as Job;
    const now = job.wakeAt;
    state = opts.before?.(now, state) ?? state;
    if (job.onto) {
      // On its moment, after the in-process sleep: one more look at the item before the call.
      const verdict = onWaking(spec, state, job.onto, now);
      job.onto = undefined;
      if (verdict === 'call') {
        if (!opts.crashed?.has(job.id)) calls.push({ id: job.id, at: now });
        pending.delete(job);
        continue;
      }
      if (verdict === 'void') job.ticket = undefined;
    } else job.asks++;
    for (let guard = 0; guard < 10; guard++) {
      if (job.ticket === undefined || job.epoch !== epochOf(spec, state).epoch) {
        state = { ...state, taken: (state.taken ?? 0) + 1 };
        job.ticket = epochOf(spec, state).taken - 1;
        job.epoch = epochOf(spec, state).epoch;
      }
      let plan = planIndex(spec, state, epochOf(spec, state), job.ticket, now);
      if (plan.kind === 'start-after') {
        state = gaveUp(state);
        if ((state.taken ?? 0) > plan.upTo) {
          job.ticket = undefined;
          continue;
        }
        state = startedAfter(state, plan.next);
        job.ticket = 0;
        job.epoch = plan.next.epoch;
        plan = planIndex(spec, state, epochOf(spec, state), 0, now);
      }
      if (plan.kind === 'restart') {
        state = withEpoch(state, plan.next);
        job.ticket = 0;
        job.epoch = plan.next.epoch;
        plan = planIndex(spec, state, plan.next, 0, now);
      }
      if (plan.kind === 'restart' || plan.kind === 'start-after') {
        job.ticket = undefined;
        continue;
      }
      if (plan.kind === 'go' && plan.at > now) {
        job.onto = { epoch: job.epoch ?? epochOf(spec, state).epoch, at: plan.at, since: now };
        job.wakeAt = plan.at;
      } else if (plan.kind === 'go') {
        if (!opts.crashed?.has(job.id)) calls.push({ id: job.id, at: now });
        pending.delete(job);
      } else job.wakeAt = wakeBefore(spec, plan.at, now) + (opts.latencyMs?.(job.id) ?? 0);
      break;
    }
  }
  return { calls, jobs: all, state };
}

/** The most calls inside any window of `w` (upstream's own, without our margin). */
const densest = (times: readonly number[], w: number) =>
  Math.max(0, ...times.map((t) => times.filter((x) => x >= t && x < t + w).length));

describe('counted rate budget (an index per job, its moment by arithmetic)', () => {
  const advanced = createAssetBudget(120, 1);
  const basic = createAssetBudget(3, 1);

  it('keeps 300 jobs arriving at once inside 120 per window, oldest first, near N ÷ rate', () => {
    // Act
    const { calls, jobs } = simulate(
      advanced,
      Array.from({ length: 300 }, (_, i) => 1_000 + i * 30),
    );
    // Assess
    const times = calls.map((c) => c.at);
    expect(calls).toHaveLength(300);
    expect(densest(times, advanced.windowMs)).toBeLessThanOrEqual(120);
    expect(densest(times, span(advanced))).toBeLessThanOrEqual(120);
    expect(calls.map((c) => c.id)).toEqual(jobs.map((j) => j.id));
    expect(Math.max(...times) - 1_000).toBeLessThanOrEqual(1.1 * (300 / 120) * advanced.windowMs);
    // Sleeping until its moment, waking halfway while it is far: a few asks each, however long the queue.
    expect(Math.max(...jobs.map((j) => j.asks))).toBeLessThanOrEqual(4);
  });

  it('keeps premium’s 300 a minute inside CreateAsset’s 10 a second as well', () => {
    // Act
    const premium = createAssetBudget(300, 1);
    const { calls } = simulate(
      premium,
      Array.from({ length: 300 }, (_, i) => i * 5),
    );
    // Assess: never 11 in a second; the 300 still go out within about half the minute
    const times = calls.map((c) => c.at);
    expect(calls).toHaveLength(300);
    expect(densest(times, 1_000)).toBeLessThanOrEqual(10);
    expect(Math.max(...times)).toBeLessThan(35_000);
  });

  it('starts a new epoch after an idle spell, where the sliding window lets the next call go', () => {
    // Act: three at 0, one at 30 s (the window is full until the first call leaves it), five at 200 s
    const { calls, state } = simulate(basic, [0, 0, 0, 30_000, 200_000, 200_000, 200_000, 200_000, 200_000]);
    // Assess
    const at = calls.map((c) => c.at);
    expect(at.slice(0, 3)).toEqual([0, 5_000, 10_000]);
    expect(at[3]).toBe(span(basic));
    expect(at.slice(4, 7)).toEqual([200_000, 205_000, 210_000]);
    expect(at[7]).toBe(200_000 + span(basic));
    expect(densest(at, span(basic))).toBeLessThanOrEqual(3);
    // The first calls fit the unused item's epoch 0; the spell behind 200 s started epoch 1.
    expect(epochOf(basic, state).epoch).toBe(1);
  });

  it('lets any job of a burst after an idle spell start the epoch, and the rest take its indexes', () => {
    // Prepare: epoch 3, long over; 300 jobs took indexes in it at once, before any of them looked
    const old: Epoch = { epoch: 3, at: 0, limit: 120, carry: [], taken: 50 };
    const now = 10 * 60_000;
    let state = withEpoch(emptyBudgetState(), { ...old, taken: old.taken + 300 });
    let starts = 0;
    let refused = 0;
    const moments: number[] = [];
    // Act: each plans on what its ADD answered; a start is the store's conditional write
    for (let j = 0; j < 300; j++) {
      const answered: Epoch = { ...old, taken: old.taken + j + 1 };
      let plan = planIndex(advanced, withEpoch(state, answered), answered, old.taken + j, now);
      if (
        plan.kind === 'start-after' &&
        (state.epoch ?? 0) === old.epoch &&
        (state.taken ?? 0) <= plan.upTo
      ) {
        state = startedAfter(gaveUp(state), plan.next);
        starts++;
        plan = planIndex(advanced, state, epochOf(advanced, state), 0, now);
      } else {
        if (plan.kind === 'start-after') refused++;
        state = { ...state, taken: (state.taken ?? 0) + 1 };
        const ep = epochOf(advanced, state);
        plan = planIndex(advanced, state, ep, ep.taken - 1, now);
      }
      if (plan.kind === 'go' || plan.kind === 'wait') moments.push(plan.at);
    }
    // Assess: the first job started epoch 4 on its first try; the 299 others took its indexes at once
    // (no retry, no back-off), from now on, paced inside the window
    expect([starts, refused, moments.length]).toEqual([1, 299, 300]);
    expect(epochOf(advanced, state)).toMatchObject({ epoch: 4, taken: 300, carry: [] });
    expect(moments[0]).toBe(now);
    expect(densest(moments, span(advanced))).toBeLessThanOrEqual(120);
    expect(Math.max(...moments) - now).toBeLessThan(3 * span(advanced));
  });

  it('never starts an epoch over an index a job may still call on', () => {
    // Prepare: a job woke past its moment (index 1) while index 3's moment is still ahead
    const ep: Epoch = { epoch: 2, at: 0, limit: 3, carry: [], taken: 4 };
    const now = 8_000;
    // Act
    const plan = planIndex(basic, withEpoch(emptyBudgetState(), ep), ep, 1, now);
    // Assess
    expect(plan.kind).toBe('start-after');
    if (plan.kind === 'start-after') expect(plan.upTo).toBeLessThan(ep.taken);
    expect(momentOf(basic, ep, 3)).toBeGreaterThan(now);
  });

  it('carries every index taken into an epoch started behind the clock, for one the starter’s', () => {
    // Prepare: epoch 1 made calls at 0 s and 5 s; the job with index 1 woke at 9 s, past its moment
    const ep: Epoch = { epoch: 1, at: 0, limit: 3, carry: [], taken: 2 };
    const plan = planIndex(basic, withEpoch(emptyBudgetState(), ep), ep, 1, 9_000);
    if (plan.kind !== 'start-after') throw new Error(`planned ${plan.kind}`);
    // Act: the item as the store leaves it
    const next = epochOf(basic, startedAfter(gaveUp(withEpoch(emptyBudgetState(), ep)), plan.next));
    // Assess: two indexes taken, one of them given up (the starter's): one carried moment, the later
    // one, so the next calls are at 10 s and 15 s, and the third a span after 5 s
    expect(next.carry).toEqual([5_000]);
    const calls = [0, 1, 2].map((i) => momentOf(basic, next, i));
    expect(calls).toEqual([10_000, 15_000, 5_000 + span(basic)]);
    expect(densest([0, ...calls], basic.windowMs)).toBeLessThanOrEqual(3);
  });

  it('leaves out the moments of indexes given up before an epoch starts, the earliest first', () => {
    // Prepare: epoch 1 at 0 s, three indexes (moments 0 s, 5 s, 10 s); index 0 called, the jobs of
    // indexes 1 and 2 woke at 20 s, past their moments
    const ep: Epoch = { epoch: 1, at: 0, limit: 3, carry: [], taken: 3 };
    const seen = withEpoch(emptyBudgetState(), ep);
    const plan = planIndex(basic, seen, ep, 1, 20_000);
    if (plan.kind !== 'start-after') throw new Error(`planned ${plan.kind}`);
    // Act: both give up, then one starts the epoch; the same start with no give-up for comparison
    const freed = epochOf(basic, startedAfter(gaveUp(gaveUp(seen)), plan.next));
    const unfreed = epochOf(basic, startedAfter(seen, plan.next));
    // Assess: one moment carried (the latest, standing for the real call at 0 s), so the new epoch's
    // second call is 5 s after its first, not a span after 5 s; and the window holds for the real calls
    expect(freed.carry).toEqual([10_000]);
    expect(unfreed.carry).toEqual([0, 5_000, 10_000]);
    const calls = [0, 1, 2].map((i) => momentOf(basic, freed, i));
    expect(calls).toEqual([20_000, 25_000, 10_000 + span(basic)]);
    expect(momentOf(basic, unfreed, 1)).toBe(5_000 + span(basic));
    expect(densest([0, ...calls], basic.windowMs)).toBeLessThanOrEqual(3);
  });

  it('gives a herd that learnt its indexes too late a full window, once its give-ups land first', () => {
    // Prepare: epoch 2 started at 0; 20 jobs called on time, then 120 took indexes whose answers came
    // 3 s late (the store was slow), all past their moments
    const ep: Epoch = { epoch: 2, at: 0, limit: 120, carry: [], taken: 140 };
    const now = momentOf(advanced, ep, 139) + 3_000;
    let state = withEpoch(emptyBudgetState(), ep);
    const real = Array.from({ length: 20 }, (_, i) => momentOf(advanced, ep, i));
    // Act: every late job gives up (each an atomic write that names epoch 2), then the first to try
    // starts epoch 3; the other 119 are refused and take its indexes
    for (let i = 20; i < 140; i++) state = gaveUp(state);
    const plan = planIndex(advanced, state, ep, 20, now);
    if (plan.kind !== 'start-after') throw new Error(`planned ${plan.kind}`);
    state = startedAfter(state, plan.next);
    const next = epochOf(advanced, { ...state, taken: 120 });
    const moments = Array.from({ length: 120 }, (_, i) => momentOf(advanced, next, i));
    // Assess: the 20 real calls are all the new epoch waits for: 100 calls within the pace of one
    // window, the rest a span after the real ones; never more than 120 in a window
    expect(next.carry).toHaveLength(20);
    expect(moments.filter((t) => t < now + advanced.windowMs / 4 + 1).length).toBe(100);
    expect(densest([...real, ...moments], advanced.windowMs)).toBeLessThanOrEqual(120);
  });

  it('counts a crashed job’s index as a call and lets the next one call on its own moment', () => {
    // Act: the 2nd of 6 never calls
    const { calls } = simulate(basic, [0, 0, 0, 0, 0, 0], { crashed: new Set([2]) });
    // Assess
    expect(calls.map((c) => c.id)).toEqual([1, 3, 4, 5, 6]);
    expect(calls.find((c) => c.id === 4)?.at).toBe(span(basic));
  });

  it('sends a job that woke too late for its moment back for a new index, and never over the window', () => {
    // Act: job 2 always wakes 3 s late; the others on time
    const { calls, jobs } = simulate(basic, [0, 0, 0, 0, 0, 0, 0], {
      latencyMs: (id) => (id === 2 ? 3_000 : 0),
    });
    // Assess
    const times = calls.map((c) => c.at);
    expect(calls).toHaveLength(7);
    expect(densest(times, basic.windowMs)).toBeLessThanOrEqual(3);
    // Job 2 (a moment 5 s out) woke past it, took a new index and went after jobs that were behind it.
    expect(calls.slice(0, 3).map((c) => c.id)).not.toContain(2);
    expect(jobs.find((j) => j.id === 2)?.asks).toBeGreaterThanOrEqual(2);
    expect(lateToleranceMs(basic)).toBeLessThan(3_000);
  });

  it('halves the rate on a throttle: the moments not yet reached are void and taken again, slower', () => {
    // Act: 240 jobs at once; upstream throttles once at 10 s
    let throttled = false;
    const { calls } = simulate(
      advanced,
      Array.from({ length: 240 }, () => 0),
      {
        before: (now, s) => {
          if (throttled || now < 10_000) return s;
          throttled = true;
          const slowed = onThrottle(advanced, s, now);
          return withEpoch(slowed, throttledEpoch(advanced, slowed, now));
        },
      },
    );
    // Assess: about 80 at full pace before the throttle (and the few reached just after it, under
    // way); the jobs sleeping onto later moments look again and do not call; nothing more until the
    // 60th last has left the window, and from there 60 a window, recovering by 6 a window
    const times = calls.map((c) => c.at).sort((a, b) => a - b);
    const kept = 10_000 + keptAheadMs(advanced);
    expect(calls).toHaveLength(240);
    expect(densest(times, advanced.windowMs)).toBeLessThanOrEqual(120);
    const before = times.filter((t) => t <= kept).length;
    expect(before).toBeGreaterThan(70);
    expect(times.filter((t) => t > kept && t < 60_000)).toEqual([]);
    const after = times.filter((t) => t > kept);
    expect(densest(after, advanced.windowMs)).toBeLessThanOrEqual(60 + 6 * 4);
    expect(after.filter((t) => t < 12_000 + span(advanced) + 20_000).length).toBeLessThanOrEqual(66);
  });

  it('stops a job sleeping onto a moment a throttle voided, and lets the kept ones call', () => {
    // Prepare: 120 indexes taken at 0 on advanced; jobs planned their moments at 9 s
    const ep: Epoch = { epoch: 2, at: 0, limit: 120, carry: [], taken: 120 };
    const s = withEpoch(emptyBudgetState(), ep);
    const throttleAt = 10_000;
    const slowed = onThrottle(advanced, s, throttleAt);
    const after = withEpoch(slowed, throttledEpoch(advanced, slowed, throttleAt));
    const own = (at: number) => ({ epoch: 2, at, since: 9_000 });
    const recovered = withEpoch(s, { ...ep, epoch: 3, limit: 120, taken: 1 });
    // Act
    const verdicts = {
      beyond: onWaking(advanced, after, own(throttleAt + keptAheadMs(advanced) + 50), throttleAt + 1_000),
      within: onWaking(advanced, after, own(throttleAt + keptAheadMs(advanced) - 50), throttleAt + 700),
      unchanged: onWaking(advanced, s, own(11_000), 11_010),
      restartedNoThrottle: onWaking(advanced, recovered, own(11_000), 11_010),
      lateLook: onWaking(advanced, s, own(11_000), 11_000 + lateToleranceMs(advanced) + 1),
    };
    // Assess: the restart kept exactly the indexes a waking job still calls on
    expect(verdicts).toEqual({
      beyond: 'void',
      within: 'call',
      unchanged: 'call',
      restartedNoThrottle: 'call',
      lateLook: 'late',
    });
    const kept = epochOf(advanced, after).carry.at(-1) ?? 0;
    expect(kept).toBeLessThanOrEqual(throttleAt + keptAheadMs(advanced));
    expect(kept).toBeGreaterThan(throttleAt + keptAheadMs(advanced) - 2 * (advanced.windowMs / 120 / 4));
  });

  it('gives a waiting job its exact moment and a place that only goes down', () => {
    // Prepare: nine indexes taken at 0 on basic
    const ep: Epoch = { epoch: 1, at: 0, limit: 3, carry: [], taken: 9 };
    const s = withEpoch(emptyBudgetState(), ep);
    const moment = momentOf(basic, ep, 8);
    // Act
    const plans = [0, 10_000, span(basic) + 100, 2 * span(basic) - 5_000, moment - 500].map((now) =>
      planIndex(basic, s, ep, 8, now),
    );
    // Assess: three per window, a quarter interval apart; the 9th is third in the third window
    expect(moment).toBe(2 * span(basic) + 2 * (basic.windowMs / 3 / 4));
    expect(plans.map((p) => (p.kind === 'wait' ? p.position : p.kind))).toEqual([8, 6, 5, 3, 'go']);
    expect(plans[0]).toMatchObject({ kind: 'wait', at: moment });
  });

  it('takes a recovered limit up at the first index of a window', () => {
    // Prepare: an epoch at 60 (a throttle long ago), 60 calls made; the limit is back to 120 by now
    const ep: Epoch = { epoch: 4, at: 0, limit: 60, carry: [], taken: 61 };
    const s = withEpoch({ ...emptyBudgetState(), throttledAt: -40 * 60_000, factorAfterThrottle: 0.5 }, ep);
    // Act: index 60 (the first of the second window) asks at its moment
    const plan = planIndex(advanced, s, ep, 60, momentOf(advanced, ep, 60) - 10);
    // Assess
    expect(plan).toMatchObject({ kind: 'restart', next: { limit: 120, taken: 1 } });
  });
});
