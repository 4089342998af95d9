/**
 * Ordered rate budgets (CreateAsset, task create) as a counter, with no storage and no AWS. A job that
 * asks takes the next index of the budget's counter (one atomic ADD: it never conflicts with another
 * job) and its moment to call follows from that index alone, by arithmetic every job does alike:
 *
 *   moment(i) = max(at + r·pace, carry[r] + span) + k·span,   r = i mod limit, k = ⌊i ÷ limit⌋
 *
 * so each call comes at least a span (window + margin) after the call `limit` places before it — the
 * sliding window holds — and a window's calls are paced a quarter interval apart. `carry` holds the last
 * calls before the current epoch (at most `limit`), so an epoch starts exactly where the last left off.
 *
 * Why not "whoever asks while the window has room gets it" (a conditional write of one item per grant,
 * as before): with hundreds of jobs waiting, every grant was a race of all the jobs whose turn had come
 * for one item. Measured on the local stack: 91 % of the conditional writes lost, and with a read before
 * each reservation, 99 % — the item's round trip grows with the crowd, so the crowd loses more. An index
 * is taken in arrival order, so oldest-first holds by construction, and its moment is known: the record's
 * `estimatedStartAt` is exact and `queuePosition` only goes down.
 *
 * A new epoch (one conditional write, rare) starts when the counter's moments have fallen behind the
 * clock (the budget sat idle) — only by the job that took the last index, so no taken moment is lost —
 * or when feedback changes the limit: a throttle despite the budget voids every moment not yet reached
 * (those jobs take a new index), and a recovered limit is taken up at the first index of a window. An
 * index whose job never calls (its step crashed, its upload was deleted) counts as a call and leaves with
 * the window: the budget comes back by itself, and never more than the limit goes out.
 */
import type { BudgetSpec } from './budgets';
import { effectiveLimit, sleepFor, type BudgetState } from './window';

/** The counter's epoch: from when, at which limit, after which earlier calls. */
export interface Epoch {
  /** Increases by one at each new epoch; a job's place names the epoch its index belongs to. */
  epoch: number;
  /** The epoch's first moment (epoch ms). */
  at: number;
  limit: number;
  /** The moments of the last calls before the epoch (at most `limit`), ascending. */
  carry: number[];
  /** Indexes taken in this epoch. */
  taken: number;
}

const span = (spec: BudgetSpec) => spec.windowMs + spec.marginMs;

/** Whether a budget is kept as a counter of moments: the ordered rate budgets. */
export const isScheduled = (spec: BudgetSpec): boolean => spec.kind !== 'slots' && spec.ordered !== false;

/** The gap between two calls of one window: a quarter of the mean interval, so a window is not fired at once. */
export const paceMs = (spec: BudgetSpec, limit: number): number => spec.windowMs / limit / 4;

/**
 * How long a step may sleep in process before its moment (its Lambda, not a Wait state, bridges the
 * last stretch, so the call lands on its moment and not a Wait's wake-up latency later).
 */
export const inProcessMs = (spec: BudgetSpec): number => Math.min(2_000, spec.windowMs / 10);

/**
 * How late after its moment a job may still call on it. The window's margin (2 % + a hop) is what makes
 * a slightly late call safe; half of it is allowed, the other half stays for the network.
 */
export const lateToleranceMs = (spec: BudgetSpec): number => spec.marginMs / 2;

/** The epoch a budget item holds; an item never used has epoch 0, which starts at 0 (long past). */
export function epochOf(spec: BudgetSpec, s: BudgetState): Epoch {
  return {
    epoch: s.epoch ?? 0,
    at: s.epochAt ?? 0,
    limit: s.epochLimit ?? spec.limit,
    carry: s.carry ?? [],
    taken: s.taken ?? 0,
  };
}

/** The moment of index `i` of epoch `ep`. */
export function momentOf(spec: BudgetSpec, ep: Epoch, i: number): number {
  const r = i % ep.limit;
  const k = Math.floor(i / ep.limit);
  const before = ep.carry[ep.carry.length - ep.limit + r];
  const first = Math.max(
    ep.at + r * paceMs(spec, ep.limit),
    before === undefined ? -Infinity : before + span(spec),
  );
  return first + k * span(spec);
}

/** How many indexes of `ep` have their moment at or before `t` (moments rise with the index). */
export function reachedBy(spec: BudgetSpec, ep: Epoch, t: number): number {
  let lo = 0;
  let hi = ep.taken;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (momentOf(spec, ep, mid) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1 + the indexes before `i` whose moment has not come at `now`. */
export function placeOf(spec: BudgetSpec, ep: Epoch, i: number, now: number): number {
  return Math.max(1, i - reachedBy(spec, ep, now) + 1);
}

/**
 * The epoch after `ep` that keeps its first `kept` indexes as calls (their moments carried over) and
 * runs at `limit` from `now` on; `taken` indexes are taken in it already (the job starting it takes 0).
 */
export function nextEpoch(
  spec: BudgetSpec,
  ep: Epoch,
  kept: number,
  limit: number,
  now: number,
  taken: number,
): Epoch {
  const from = Math.max(0, kept - limit);
  const own = Array.from({ length: kept - from }, (_, j) => momentOf(spec, ep, from + j));
  const older = ep.carry.slice(Math.max(0, ep.carry.length - (limit - own.length)));
  // Calls a span old no longer constrain anything.
  const carry = [...older, ...own].filter((t) => t > now - span(spec));
  const last = carry.at(-1);
  return {
    epoch: ep.epoch + 1,
    at: Math.max(now, last === undefined ? now : last + paceMs(spec, limit)),
    limit,
    carry,
    taken,
  };
}

/** What a job that took (or holds) index `i` of `ep` does next (acquire.ts carries it out). */
export type CounterPlan =
  /** Its moment is near (or has just passed): sleep until `at` in process, then call. */
  | { kind: 'go'; at: number }
  /** Its moment is further than the in-process stretch: sleep in the state machine. */
  | { kind: 'wait'; at: number; position: number }
  /** Start `next` (conditional on `ep` unchanged) and take its index 0; if refused, take a new index. */
  | { kind: 'restart'; next: Epoch }
  /** Its index is no use (its moment passed long ago, another job took a later one): take a new one. */
  | { kind: 'retake' };

export function planIndex(spec: BudgetSpec, s: BudgetState, ep: Epoch, i: number, now: number): CounterPlan {
  const at = momentOf(spec, ep, i);
  const last = i === ep.taken - 1;
  const limit = effectiveLimit(spec, s, now);
  if (at < now - lateToleranceMs(spec)) {
    // Behind the clock: the job with the last index starts the schedule again from now; another waits
    // for a fresh index (its moment is lost to lateness, which is what keeps the window safe).
    return last ? { kind: 'restart', next: nextEpoch(spec, ep, i, limit, now, 1) } : { kind: 'retake' };
  }
  // A recovered limit is taken up at the first index of a window, when no later index exists yet.
  if (last && limit > ep.limit && i % ep.limit === 0) {
    const next = nextEpoch(spec, ep, i, limit, now, 1);
    if (momentOf(spec, next, 0) <= at) return { kind: 'restart', next };
  }
  if (at - now > inProcessMs(spec)) return { kind: 'wait', at, position: placeOf(spec, ep, i, now) };
  return { kind: 'go', at };
}

/**
 * Feedback on a throttle: the epoch that keeps every call whose moment is reached by the end of the
 * in-process stretch (those may be under way) and runs at the lowered limit from there; the later
 * indexes are void, and their jobs take new ones when they wake.
 */
export function throttledEpoch(spec: BudgetSpec, s: BudgetState, now: number): Epoch {
  const ep = epochOf(spec, s);
  const soon = now + inProcessMs(spec);
  return nextEpoch(spec, ep, reachedBy(spec, ep, soon), effectiveLimit(spec, s, now), soon, 0);
}

/**
 * When a job whose moment is `at` should wake: a little before the moment (half the in-process
 * stretch), and halfway there while it is more than a window away, so its record's place is refreshed
 * as the queue moves.
 */
export function wakeBefore(spec: BudgetSpec, at: number, now: number): number {
  const target = at - inProcessMs(spec) / 2;
  return now + sleepFor(spec, Math.max(0, target - now));
}
