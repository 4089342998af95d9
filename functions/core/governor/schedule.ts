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
 * clock (the budget sat idle) — by any job of the burst, while no index taken is one a job may still call
 * on; the store copies the count taken as it writes, so every taken moment is carried over —
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
export const paceMs = (spec: BudgetSpec, limit: number): number =>
  Math.max(spec.windowMs / limit / 4, spec.minGapMs ?? 0);

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

/**
 * The epoch a budget item holds; an item never used has epoch 0, which starts at 0 (long past). An
 * epoch started behind the clock keeps every index its predecessor had taken as a call, except as many
 * as their jobs gave up before it started (the starter's own among them): for those the earliest
 * moments are left out.
 */
export function epochOf(spec: BudgetSpec, s: BudgetState): Epoch {
  if (s.prevTaken !== undefined && s.prevAt !== undefined) {
    const before: Epoch = {
      epoch: (s.epoch ?? 1) - 1,
      at: s.prevAt,
      limit: s.prevLimit ?? spec.limit,
      carry: s.prevCarry ?? [],
      taken: s.prevTaken,
    };
    const limit = s.epochLimit ?? spec.limit;
    const from = s.epochAt ?? 0;
    const uncalled = s.prevGiven ?? 0;
    return {
      ...nextEpoch(spec, before, s.prevTaken, limit, from, s.taken ?? 0, uncalled),
      epoch: s.epoch ?? 0,
    };
  }
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
 * `uncalled` of the kept indexes are known never to call: the earliest moments are left out for them,
 * which leaves every later carried moment at or after a real call's, so the window still holds (the
 * j-th latest of what is left is at or after the j-th latest real call, whichever indexes gave up).
 */
export function nextEpoch(
  spec: BudgetSpec,
  ep: Epoch,
  kept: number,
  limit: number,
  now: number,
  taken: number,
  uncalled = 0,
): Epoch {
  const from = Math.max(Math.min(uncalled, kept), kept - limit);
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
  /**
   * Its moment is behind the clock (the budget sat idle, or the job woke late): give the index up (it
   * is never called on), then start `next` keeping every index taken so far, if the item is still at
   * `ep`'s epoch with at most `upTo` taken (none a job may still call on); take its index 0 — if
   * refused (another job was first), take a new index.
   */
  | { kind: 'start-after'; next: EpochAfter; upTo: number };

/** An epoch started behind the clock: its number, start and limit, after epoch `before`. */
export interface EpochAfter {
  epoch: number;
  at: number;
  limit: number;
  before: Pick<Epoch, 'at' | 'limit' | 'carry'>;
}

/**
 * The item after an epoch started behind the clock, as the store writes it (budget-store.ts does the
 * same in one conditional update, copying `taken` as it stands then): the reference for its tests.
 */
export function startedAfter(s: BudgetState, next: EpochAfter): BudgetState {
  const { carry: _c, given: _g, ...rest } = s;
  return {
    ...rest,
    epoch: next.epoch,
    epochAt: next.at,
    epochLimit: next.limit,
    prevAt: next.before.at,
    prevLimit: next.before.limit,
    prevCarry: next.before.carry,
    prevTaken: s.taken ?? 0,
    prevGiven: s.given ?? 0,
    taken: 1,
  };
}

/**
 * The item after a job gave up its index of the current epoch (the store adds it to the epoch's set of
 * given-up indexes, so a retried write counts once): the reference for its tests.
 */
export function gaveUp(s: BudgetState): BudgetState {
  return { ...s, given: (s.given ?? 0) + 1 };
}

/**
 * How many indexes of `ep`, taken or not, have their moment before `t`. An epoch may be started
 * behind the clock while no more than these are taken: no job calls on a moment behind it.
 */
export function behindBy(spec: BudgetSpec, ep: Epoch, t: number): number {
  let hi = Math.max(1, ep.taken);
  while (momentOf(spec, ep, hi) < t) hi *= 2;
  let lo = 0;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (momentOf(spec, ep, mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function planIndex(spec: BudgetSpec, s: BudgetState, ep: Epoch, i: number, now: number): CounterPlan {
  const at = momentOf(spec, ep, i);
  const last = i === ep.taken - 1;
  const limit = effectiveLimit(spec, s, now);
  const late = now - lateToleranceMs(spec);
  if (at < late) {
    // Behind the clock: the schedule starts again from now. Any job of a burst may start it, while
    // every index taken is as late as its own, so the first to try wins and the others take an index
    // of the new epoch; its moment is lost to lateness, which is what keeps the window safe.
    const before = { at: ep.at, limit: ep.limit, carry: ep.carry };
    return {
      kind: 'start-after',
      next: { epoch: ep.epoch + 1, at: now, limit, before },
      upTo: behindBy(spec, ep, late),
    };
  }
  // A recovered limit is taken up at the first index of a window, when no later index exists yet.
  if (last && limit > ep.limit && i % ep.limit === 0) {
    const next = nextEpoch(spec, ep, i, limit, now, 1, s.given ?? 0);
    if (momentOf(spec, next, 0) <= at) return { kind: 'restart', next };
  }
  if (at - now > inProcessMs(spec)) return { kind: 'wait', at, position: placeOf(spec, ep, i, now) };
  return { kind: 'go', at };
}

/**
 * How far past a throttle's report a moment still counts as a call: a job sleeping in process looks at
 * the item once more on its moment (acquire.ts), and one that looked just before the restart was
 * written calls on it; the restart's writer read the item a round trip earlier, on its own clock.
 */
export const keptAheadMs = (spec: BudgetSpec): number => lateToleranceMs(spec);

/**
 * Feedback on a throttle: the epoch that keeps every call whose moment is reached by `keptAheadMs`
 * after the report (those may be under way) and runs at the lowered limit from there; the later indexes
 * are void — a job sleeping in process on one sees so when it looks again on its moment, and does not
 * call — and their jobs take new ones.
 */
export function throttledEpoch(spec: BudgetSpec, s: BudgetState, now: number): Epoch {
  const ep = epochOf(spec, s);
  const soon = now + keptAheadMs(spec);
  // Given-up indexes were behind the clock when given up, so they are among those kept.
  const kept = reachedBy(spec, ep, soon);
  return nextEpoch(spec, ep, kept, effectiveLimit(spec, s, now), soon, 0, s.given ?? 0);
}

/**
 * What a job that slept in process onto moment `at` of its index (of epoch `epoch`, planned at `since`)
 * does, from the item as it reads it on waking: `call`, unless a throttle reported since then voided its
 * index (`void`: take a new one) or the look came too late to call on the moment (`late`).
 */
export function onWaking(
  spec: BudgetSpec,
  s: BudgetState,
  own: { epoch: number; at: number; since: number },
  now: number,
): 'call' | 'void' | 'late' {
  const moved = epochOf(spec, s).epoch !== own.epoch;
  // The reporter stamps the throttle on its own clock before its write, so a throttle shortly before
  // `since` may still be one the job did not see; a move within a window after any throttle is that
  // throttle's (recovery waits a window, and an epoch started behind the clock never voids a sleeper).
  const throttled = s.throttledAt !== undefined && s.throttledAt > own.since - spec.windowMs / 4;
  if (moved && throttled && own.at > (s.throttledAt ?? 0) + keptAheadMs(spec)) return 'void';
  return own.at < now - lateToleranceMs(spec) ? 'late' : 'call';
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
