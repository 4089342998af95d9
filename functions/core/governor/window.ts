/**
 * The governor's arithmetic, with no storage and no AWS. Two kinds of budget share one queue and one
 * decision here (the ordered rate budgets, CreateAsset and task create, are a counter instead:
 * schedule.ts, which uses the feedback below):
 * - a **window** without a queue (the per-second Get task): the grant times inside a sliding window, at
 *   most `limit` of them;
 * - **slots** (a concurrency): leases held by running jobs, at most `limit` at once, each released by its
 *   holder or taken back when not renewed for `leaseMs` (its holder crashed).
 * Each waiting job holds a ticket from an atomic counter; `served` is the highest ticket granted so far,
 * so `ticket − served` is a job's place. AIMD feedback on windows: a throttle upstream despite the budget
 * (someone else shares the account) halves the effective limit, which then recovers by a twentieth of
 * the limit per window.
 */
import type { BudgetSpec } from './budgets';

export interface Lease {
  ticket: number;
  /** When the lease was granted (epoch ms). */
  at: number;
  /** When it lapses unless renewed (epoch ms). */
  until: number;
}

export interface BudgetState {
  /** Windows: epoch ms of the grants still inside the window (+ margin). */
  grants: number[];
  /** Highest ticket granted so far. */
  served: number;
  /** When upstream last throttled a granted call, and the speed (0–1) it left the budget at. */
  throttledAt?: number;
  factorAfterThrottle?: number;
  /** Slots: the leases held. */
  leases?: Lease[];
  /** Slots: when a slot last became free (a release or a lapse), for the hold-off. */
  freedAt?: number;
  /** Slots: the mean time a lease was held, learnt from releases (for the estimates). */
  meanHoldMs?: number;
  /** Ordered windows, a counter of moments (schedule.ts): the epoch, its start, limit and carry-over. */
  epoch?: number;
  epochAt?: number;
  epochLimit?: number;
  carry?: number[];
  /** Ordered windows: the indexes taken in the epoch. */
  taken?: number;
  /**
   * Ordered windows, an epoch started behind the clock: the epoch before it (its start, limit and
   * carry) and how many indexes it had taken when this one started — the store copies that count as
   * it writes — from which its carry is worked out (schedule.ts, epochOf).
   */
  prevAt?: number;
  prevLimit?: number;
  prevCarry?: number[];
  prevTaken?: number;
  /**
   * Ordered windows: how many indexes of the epoch their jobs gave up (woke past their moment and
   * never called on it), and how many of the epoch before; the next start drops that many moments.
   */
  given?: number;
  prevGiven?: number;
}

export const emptyBudgetState = (): BudgetState => ({ grants: [], served: 0 });

const isSlots = (spec: BudgetSpec) => spec.kind === 'slots';

/** Multiplicative decrease: at most once per quarter window (a burst of throttles is one signal). */
const DECREASE = 0.5;
/** Additive increase: a twentieth of the full limit (at least one call) per window without throttles. */
const INCREASE_PER_WINDOW = 0.05;
/** Weight of the newest release in the mean hold time. */
const HOLD_WEIGHT = 0.2;

/**
 * The speed factor (0–1] now: the last throttle's factor, plus the recovery since. Recovery starts a
 * whole window after the throttle: until then upstream's own window still holds the calls that drew
 * it, so a faster rate could only draw another throttle (shared account, bench real-limits: 1.34 ×
 * ideal with recovery from the throttle on, 1.06–1.1 × with it a window later; 2 throttles of 12 both).
 */
export function speedFactor(spec: BudgetSpec, s: BudgetState, now: number): number {
  if (s.throttledAt === undefined || s.factorAfterThrottle === undefined) return 1;
  const windows = Math.max(0, now - s.throttledAt - spec.windowMs) / spec.windowMs;
  const step = Math.max(INCREASE_PER_WINDOW, 1 / spec.limit);
  return Math.min(1, s.factorAfterThrottle + step * windows);
}

/** Calls allowed per window now (at least one, so a throttled budget still moves); slots don't slow. */
export function effectiveLimit(spec: BudgetSpec, s: BudgetState, now: number): number {
  if (isSlots(spec)) return spec.limit;
  return Math.max(1, Math.floor(spec.limit * speedFactor(spec, s, now)));
}

const span = (spec: BudgetSpec) => spec.windowMs + spec.marginMs;

/** The grants still counting at `now`, oldest first. */
export function liveGrants(spec: BudgetSpec, s: BudgetState, now: number): number[] {
  return s.grants.filter((g) => g > now - span(spec)).sort((a, b) => a - b);
}

/** The leases still held at `now`, oldest first. */
export function liveLeases(s: BudgetState, now: number): Lease[] {
  return (s.leases ?? []).filter((l) => l.until > now).sort((a, b) => a.at - b.at);
}

function holdMs(spec: BudgetSpec, s: BudgetState): number {
  return s.meanHoldMs ?? spec.typicalHoldMs ?? spec.windowMs;
}

/** When each live holding is expected to end, soonest first. */
function expectedEnds(spec: BudgetSpec, s: BudgetState, now: number): number[] {
  if (!isSlots(spec)) return liveGrants(spec, s, now).map((g) => g + span(spec));
  const hold = holdMs(spec, s);
  return liveLeases(s, now)
    .map((l) => Math.min(l.until, Math.max(now, l.at + hold)))
    .sort((a, b) => a - b);
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

/** The minimum sleep (a quarter window for the per-second budgets): a woken job does not spin. */
const MIN_WAIT_MS = 200;

/**
 * Whether ticket `ticket` may call now. It may when a slot is free and no more than the free slots'
 * worth of earlier tickets are still unserved — or when a slot has stayed free for `holdoffMs`, so a
 * ticket that will never come back (its step crashed) does not hold the queue. An unordered budget
 * (ticket 0) only needs a free slot.
 */
export function decide(spec: BudgetSpec, s: BudgetState, ticket: number, now: number): Decision {
  const slots = isSlots(spec);
  if (slots) {
    // A job that already holds its lease (a retried step, a create again after an ambiguous failure)
    // keeps it: renewed, never counted twice.
    const own = liveLeases(s, now).find((l) => l.ticket === ticket);
    if (own) return { granted: true, state: renewLease(spec, s, ticket, now) };
  }
  const ends = expectedEnds(spec, s, now);
  const limit = effectiveLimit(spec, s, now);
  const free = limit - ends.length;
  const ordered = spec.ordered !== false && ticket > 0;
  const position = ordered ? Math.max(1, ticket - s.served) : 1;
  const freeSince = freeSlotSince(spec, s, ends.length, limit, now);
  // Paced (windows): a quarter of the mean interval between grants, so a window's budget is not fired
  // in one instant — a throttle (someone else uses the account) then slows the next grant, not only
  // later ones. Slots are not paced: a freed slot is worth filling at once.
  const paceMs = slots ? 0 : spec.windowMs / limit / 4;
  const newest = slots ? undefined : liveGrants(spec, s, now).at(-1);
  const pacedUntil = newest === undefined ? now : newest + paceMs;
  // Each place in line has its own paced moment, so the jobs a free window lets in do not all race for
  // the same conditional write (a herd of k costs k² reads and writes for k grants).
  const dueAt = position <= free ? pacedUntil + paceMs * (position - 1) : pacedUntil;
  if (free > 0 && now >= dueAt && (position <= free || now - freeSince >= spec.holdoffMs)) {
    return { granted: true, state: grant(spec, s, ticket, now) };
  }
  const estimatedStartAt = Math.max(
    estimateTurn(spec, ends, limit, position, now, slots ? holdMs(spec, s) : span(spec)),
    free > 0 && position <= free ? pacedUntil + paceMs * (position - 1) : 0,
  );
  // The hold-off only delays a job that waits for earlier tickets to take the free room, not one whose
  // place is free and whose paced moment has not come (that one sleeps until its moment).
  const turn =
    free > 0 && position > free ? Math.max(estimatedStartAt, freeSince + spec.holdoffMs) : estimatedStartAt;
  return { granted: false, position, estimatedStartAt: turn, waitMs: sleepFor(spec, turn - now) };
}

function grant(spec: BudgetSpec, s: BudgetState, ticket: number, now: number): BudgetState {
  const served = Math.max(s.served, ticket);
  if (!isSlots(spec)) return { ...s, grants: [...liveGrants(spec, s, now), now], served };
  const pruned = pruneLeases(s, now);
  const lease: Lease = { ticket, at: now, until: now + (spec.leaseMs ?? spec.windowMs) };
  return { ...pruned, leases: [...(pruned.leases ?? []), lease], served };
}

/** Drops lapsed leases, remembering when the last of them freed its slot. */
function pruneLeases(s: BudgetState, now: number): BudgetState {
  const lapsed = (s.leases ?? []).filter((l) => l.until <= now);
  if (lapsed.length === 0) return s;
  const freedAt = Math.max(s.freedAt ?? 0, ...lapsed.map((l) => l.until));
  return { ...s, leases: liveLeases(s, now), freedAt };
}

/** The holder of `ticket` saw its task still queued or running: its lease runs on. */
export function renewLease(spec: BudgetSpec, s: BudgetState, ticket: number, now: number): BudgetState {
  const pruned = pruneLeases(s, now);
  const until = now + (spec.leaseMs ?? spec.windowMs);
  return { ...pruned, leases: (pruned.leases ?? []).map((l) => (l.ticket === ticket ? { ...l, until } : l)) };
}

/** The holder of `ticket` is done (its task ended, or was never created): the slot is free now. */
export function releaseLease(s: BudgetState, ticket: number, now: number): BudgetState {
  const pruned = pruneLeases(s, now);
  const lease = (pruned.leases ?? []).find((l) => l.ticket === ticket);
  if (!lease) return pruned;
  const held = Math.max(0, now - lease.at);
  return {
    ...pruned,
    leases: (pruned.leases ?? []).filter((l) => l.ticket !== ticket),
    freedAt: now,
    meanHoldMs:
      pruned.meanHoldMs === undefined ? held : (1 - HOLD_WEIGHT) * pruned.meanHoldMs + HOLD_WEIGHT * held,
  };
}

/**
 * Sleep until the turn, but wake at least halfway there while it is more than a window away, so the
 * record's place and estimate are refreshed as the queue moves: about log2(wait ÷ window) + 2 wake-ups
 * per queued job, whatever the length of the queue.
 */
export function sleepFor(spec: BudgetSpec, untilTurnMs: number): number {
  const halfway = Math.max(spec.windowMs, untilTurnMs / 2);
  return Math.round(Math.max(Math.min(MIN_WAIT_MS, spec.windowMs / 4), Math.min(untilTurnMs, halfway)));
}

/** Since when a slot has been free (the end of the newest holding that left). */
function freeSlotSince(spec: BudgetSpec, s: BudgetState, live: number, limit: number, now: number): number {
  if (live >= limit) return now;
  if (isSlots(spec)) {
    const lapsed = (s.leases ?? []).filter((l) => l.until <= now).map((l) => l.until);
    // A slot never used yet has been free all along.
    return Math.max(s.freedAt ?? 0, ...lapsed);
  }
  const expired = s.grants.filter((g) => g <= now - span(spec));
  if (expired.length === 0) return live === 0 ? 0 : now;
  return Math.max(...expired) + span(spec);
}

/**
 * When the p-th next grant can happen (p ≥ 1), given when each live holding ends (`ends`) and how long
 * a new one holds (`hold`: the span for a window, the mean hold for slots): each future grant takes the
 * place of the holding that ends first. A queue is at most a few thousand deep.
 */
export function estimateTurn(
  spec: BudgetSpec,
  ends: readonly number[],
  limit: number,
  p: number,
  now: number,
  hold: number = span(spec),
): number {
  const held = [...ends].sort((a, b) => a - b);
  let at = now;
  for (let m = 0; m < p; m++) {
    at = held.length < limit ? now : Math.max(now, held.shift() as number);
    const end = at + hold;
    const i = held.findIndex((e) => e > end);
    held.splice(i < 0 ? held.length : i, 0, end);
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
