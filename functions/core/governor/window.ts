/**
 * The governor's arithmetic, with no storage and no AWS: a sliding window of grant times per budget,
 * a ticket queue for the order (each waiting job holds a ticket from an atomic counter; `served` is the
 * highest ticket granted so far, so `ticket − served` is a job's place), and AIMD feedback — a throttle
 * upstream despite the budget (someone else shares the account) halves the effective limit, which then
 * recovers by a twentieth of the limit per window.
 */
import type { BudgetSpec } from './budgets';

export interface BudgetState {
  /** Epoch ms of the grants still inside the window (+ margin). */
  grants: number[];
  /** Highest ticket granted so far. */
  served: number;
  /** When upstream last throttled a granted call, and the speed (0–1) it left the budget at. */
  throttledAt?: number;
  factorAfterThrottle?: number;
}

export const emptyBudgetState = (): BudgetState => ({ grants: [], served: 0 });

/** Multiplicative decrease: at most once per quarter window (a burst of throttles is one signal). */
const DECREASE = 0.5;
/** Additive increase: a twentieth of the full limit (at least one call) per window without throttles. */
const INCREASE_PER_WINDOW = 0.05;

/** The speed factor (0–1] now: the last throttle's factor, plus the recovery since. */
export function speedFactor(spec: BudgetSpec, s: BudgetState, now: number): number {
  if (s.throttledAt === undefined || s.factorAfterThrottle === undefined) return 1;
  const windows = Math.max(0, now - s.throttledAt) / spec.windowMs;
  const step = Math.max(INCREASE_PER_WINDOW, 1 / spec.limit);
  return Math.min(1, s.factorAfterThrottle + step * windows);
}

/** Calls allowed per window now (at least one, so a throttled budget still moves). */
export function effectiveLimit(spec: BudgetSpec, s: BudgetState, now: number): number {
  return Math.max(1, Math.floor(spec.limit * speedFactor(spec, s, now)));
}

const span = (spec: BudgetSpec) => spec.windowMs + spec.marginMs;

/** The grants still counting at `now`, oldest first. */
export function liveGrants(spec: BudgetSpec, s: BudgetState, now: number): number[] {
  return s.grants.filter((g) => g > now - span(spec)).sort((a, b) => a - b);
}

export type Decision =
  | { granted: true; state: BudgetState }
  | {
      granted: false;
      /** 1 = next in line. */
      position: number;
      /** When the job's turn is estimated to come (epoch ms). */
      estimatedStartAt: number;
      /** How long to sleep before asking again. */
      waitMs: number;
    };

/** The minimum sleep: a woken job that finds its slot just taken does not spin. */
const MIN_WAIT_MS = 200;

/**
 * Whether ticket `ticket` may call now. It may when a slot is free and no more than the free slots'
 * worth of earlier tickets are still unserved — or when a slot has stayed free for `holdoffMs`, so a
 * ticket that will never come back (its step crashed) does not hold the queue.
 */
export function decide(spec: BudgetSpec, s: BudgetState, ticket: number, now: number): Decision {
  const live = liveGrants(spec, s, now);
  const limit = effectiveLimit(spec, s, now);
  const free = limit - live.length;
  const position = Math.max(1, ticket - s.served);
  const freeSince = freeSlotSince(spec, s, live, limit, now);
  // Paced: a quarter of the mean interval between grants, so a window's budget is not fired in one
  // instant — a throttle (someone else uses the account) then slows the next grant, not only later ones.
  const paceMs = spec.windowMs / limit / 4;
  const newest = live.at(-1);
  const pacedUntil = newest === undefined ? now : newest + paceMs;
  if (free > 0 && now >= pacedUntil && (position <= free || now - freeSince >= spec.holdoffMs)) {
    return {
      granted: true,
      state: { ...s, grants: [...live, now], served: Math.max(s.served, ticket) },
    };
  }
  const estimatedStartAt = Math.max(
    estimateTurn(spec, live, limit, position, now),
    free > 0 && position <= free ? pacedUntil + paceMs * (position - 1) : 0,
  );
  const turn = free > 0 ? Math.max(estimatedStartAt, freeSince + spec.holdoffMs) : estimatedStartAt;
  return { granted: false, position, estimatedStartAt: turn, waitMs: sleepFor(spec, turn - now) };
}

/**
 * Sleep until the turn, but wake at least halfway there while it is more than a window away, so the
 * record's place and estimate are refreshed as the queue moves: about log2(wait ÷ window) + 2 wake-ups
 * per queued job, whatever the length of the queue.
 */
export function sleepFor(spec: BudgetSpec, untilTurnMs: number): number {
  const halfway = Math.max(spec.windowMs, untilTurnMs / 2);
  return Math.round(Math.max(MIN_WAIT_MS, Math.min(untilTurnMs, halfway)));
}

/** Since when a slot has been free (the expiry of the newest grant that left the window). */
function freeSlotSince(spec: BudgetSpec, s: BudgetState, live: number[], limit: number, now: number): number {
  if (live.length >= limit) return now;
  const expired = s.grants.filter((g) => g <= now - span(spec));
  if (expired.length === 0) return live.length === 0 ? 0 : now;
  return Math.max(...expired) + span(spec);
}

/**
 * When the p-th next grant can happen (p ≥ 1): a grant needs fewer than `limit` grants inside the
 * span, so the m-th future grant waits for the (m + live − limit)-th grant of the sequence "live grants,
 * then the future grants themselves" to leave it. Linear in p; a queue is at most a few thousand deep.
 */
export function estimateTurn(
  spec: BudgetSpec,
  live: readonly number[],
  limit: number,
  p: number,
  now: number,
): number {
  const seq = [...live];
  let at = now;
  for (let m = 0; m < p; m++) {
    const blocker = seq[m + live.length - limit];
    at = Math.max(now, blocker === undefined ? now : blocker + span(spec));
    seq.push(at);
  }
  return at;
}

/** A throttle upstream despite the budget: halve the speed (once per quarter window). */
export function onThrottle(spec: BudgetSpec, s: BudgetState, now: number): BudgetState {
  if (s.throttledAt !== undefined && now - s.throttledAt < spec.windowMs / 4) return s;
  return {
    ...s,
    throttledAt: now,
    factorAfterThrottle: Math.max(1 / spec.limit, speedFactor(spec, s, now) * DECREASE),
  };
}
