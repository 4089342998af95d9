/**
 * Taking budget before an upstream call, over a BudgetStore port (the state table in production). A
 * job joins the queue once (an atomic ticket) and keeps its ticket in its execution state; each time it
 * wakes it asks again. A grant is one conditional write of the budget item, so two steps never take the
 * same slot. The governor's own failures never fail a job: a conflict is retried a few times, a store
 * that is throttled or down answers "wait a little". A step that crashes after its grant leaves one
 * grant in the window, which expires with it: the budget comes back by itself.
 */
import type { BudgetSpec } from './budgets';
import { decide, emptyBudgetState, onThrottle, releaseLease, renewLease, type BudgetState } from './window';

export interface VersionedBudget {
  state: BudgetState;
  /** 0 for an item that does not exist yet. */
  version: number;
}

export interface BudgetStore {
  /** The next ticket of the budget's queue (1, 2, 3 …): an atomic counter. */
  takeTicket(name: string): Promise<number>;
  read(name: string): Promise<VersionedBudget>;
  /** Writes `state` if the item is still at `expectedVersion`; false when another writer was first. */
  write(name: string, state: BudgetState, expectedVersion: number): Promise<boolean>;
}

/** What a waiting job carries from one wake-up to the next (its execution state). */
export interface QueuePlace {
  ticket?: number;
  /** ISO time the job joined this queue. */
  queuedAt?: string;
  /** Time spent queued before this queue (an earlier wait of the same job). */
  waitedMs?: number;
}

export type Acquired =
  | { granted: true; ticket: number; /** All the time this job spent queued. */ waitedMs: number }
  | {
      granted: false;
      place: QueuePlace;
      position: number;
      estimatedStartAt: string;
      /** ISO time to wake up and ask again. */
      waitUntil: string;
      /** Why the job waits: its turn has not come, or the governor's store could not answer. */
      reason: 'queued' | 'store-unavailable' | 'contention';
    };

const CONFLICT_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A short sleep for a store fault: a second of upstream time (scaled with the window), jittered. */
function faultWaitMs(spec: BudgetSpec): number {
  const second = spec.windowMs / 60;
  return Math.round(second * (1 + Math.random()));
}

export function queuedFor(place: QueuePlace, now: number): number {
  const since = place.queuedAt ? Math.max(0, now - new Date(place.queuedAt).getTime()) : 0;
  return (place.waitedMs ?? 0) + since;
}

export async function acquireBudget(
  store: BudgetStore,
  spec: BudgetSpec,
  place: QueuePlace,
  clock: () => number = Date.now,
): Promise<Acquired> {
  const joinedAt = place.queuedAt ?? new Date(clock()).toISOString();
  const waitFor = (ms: number, reason: 'store-unavailable' | 'contention', ticket?: number): Acquired => {
    const now = clock();
    const at = new Date(now + ms).toISOString();
    return {
      granted: false,
      place: { ...place, queuedAt: joinedAt, ...(ticket !== undefined ? { ticket } : {}) },
      position: 1,
      estimatedStartAt: at,
      waitUntil: at,
      reason,
    };
  };
  let ticket = place.ticket;
  try {
    // An unordered budget has no queue: ticket 0, no counter write per call.
    ticket ??= spec.ordered === false ? 0 : await store.takeTicket(spec.name);
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      const current = await store.read(spec.name);
      const now = clock();
      const d = decide(spec, current.state, ticket, now);
      if (!d.granted) {
        return {
          granted: false,
          place: { ...place, ticket, queuedAt: joinedAt },
          position: d.position,
          estimatedStartAt: new Date(d.estimatedStartAt).toISOString(),
          waitUntil: new Date(now + d.waitMs).toISOString(),
          reason: 'queued',
        };
      }
      if (await store.write(spec.name, d.state, current.version)) {
        return { granted: true, ticket, waitedMs: queuedFor(place, clock()) };
      }
      // Another step took the slot first: back off a little, jittered, so a crowd does not thrash.
      await sleep(Math.random() * 20 * (attempt + 1));
    }
    return waitFor(Math.round(spec.windowMs / spec.limit / 4 + Math.random() * 50), 'contention', ticket);
  } catch {
    return waitFor(faultWaitMs(spec), 'store-unavailable', ticket);
  }
}

/**
 * Takes a budget without a queue (the polling GETs), sleeping in process while the wait is short: false
 * (with when to come back) once it would take longer than `maxWaitMs`, so the caller reschedules
 * instead of holding a Lambda.
 */
export async function takeWithin(
  store: BudgetStore,
  spec: BudgetSpec,
  maxWaitMs: number,
  clock: () => number = Date.now,
): Promise<{ granted: true } | { granted: false; waitUntil: string }> {
  const until = clock() + maxWaitMs;
  for (;;) {
    const got = await acquireBudget(store, spec, {}, clock);
    if (got.granted) return { granted: true };
    const at = Math.min(Date.parse(got.estimatedStartAt), Date.parse(got.waitUntil));
    if (at > until) return { granted: false, waitUntil: got.waitUntil };
    await sleep(Math.max(1, at - clock()));
  }
}

/**
 * A change to the budget item that is not a grant (feedback, a lease renewed or released), written
 * with the same conditional write; best effort: after a few conflicts it gives up, as a lease lapses
 * and a throttle is reported again by the next one anyway.
 */
async function updateBudget(
  store: BudgetStore,
  spec: BudgetSpec,
  change: (s: BudgetState, now: number) => BudgetState,
  clock: () => number,
): Promise<void> {
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
    const current = await store.read(spec.name);
    const next = change(current.state, clock());
    if (next === current.state || (await store.write(spec.name, next, current.version))) return;
    await sleep(Math.random() * 20 * (attempt + 1));
  }
}

/** Upstream throttled a call the budget allowed: slow the budget down (best effort). */
export function reportThrottle(
  store: BudgetStore,
  spec: BudgetSpec,
  clock: () => number = Date.now,
): Promise<void> {
  return updateBudget(store, spec, (s, now) => onThrottle(spec, s, now), clock);
}

/** Slots: the job still holds its slot (its task is queued or running upstream). */
export function renewSlot(
  store: BudgetStore,
  spec: BudgetSpec,
  ticket: number,
  clock: () => number = Date.now,
): Promise<void> {
  return updateBudget(
    store,
    spec,
    (s, now) => ((s.leases ?? []).some((l) => l.ticket === ticket) ? renewLease(spec, s, ticket, now) : s),
    clock,
  );
}

/** Slots: the job is done with its slot (its task ended, or was never created). */
export function releaseSlot(
  store: BudgetStore,
  spec: BudgetSpec,
  ticket: number,
  clock: () => number = Date.now,
): Promise<void> {
  return updateBudget(
    store,
    spec,
    (s, now) => ((s.leases ?? []).some((l) => l.ticket === ticket) ? releaseLease(s, ticket, now) : s),
    clock,
  );
}

export { emptyBudgetState };
