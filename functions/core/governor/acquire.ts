/**
 * Taking budget before an upstream call, over a BudgetStore port (the state table in production). A
 * job joins the queue once (an atomic ticket) and keeps its ticket in its execution state; each time it
 * wakes it asks again. A grant is one conditional write of the budget item, so two steps never take the
 * same slot. The governor's own failures never fail a job: a conflict is retried a few times, a store
 * that is throttled or down answers "wait a little". A step that crashes after its grant leaves one
 * grant in the window, which expires with it: the budget comes back by itself.
 */
import type { BudgetSpec } from './budgets';
import {
  epochOf,
  inProcessMs,
  isScheduled,
  onWaking,
  paceMs,
  planIndex,
  throttledEpoch,
  wakeBefore,
  type Epoch,
  type EpochAfter,
} from './schedule';
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
  /** Ordered rate budgets: takes the next index of the epoch (an atomic ADD); the item after it. */
  take(name: string): Promise<VersionedBudget>;
  /**
   * Ordered rate budgets: starts epoch `next` if the item's epoch and taken count are still `expected`
   * (false when another job was first), with the feedback fields when a throttle started it.
   */
  restart(
    name: string,
    next: Epoch,
    expected: { epoch: number; taken: number },
    feedback?: Pick<BudgetState, 'throttledAt' | 'factorAfterThrottle'>,
  ): Promise<boolean>;
  /**
   * Ordered rate budgets, behind the clock: starts epoch `next` keeping the count taken as it stands
   * (schedule.ts, startedAfter) and takes its index 0, if the item is still at epoch `next.epoch − 1`
   * with at most `upTo` indexes taken; the item after it, or undefined when another job was first.
   */
  startAfter(name: string, next: EpochAfter, upTo: number): Promise<VersionedBudget | undefined>;
  /**
   * Ordered rate budgets: index `index` of epoch `epoch` will never be called on (its job woke past
   * its moment), counted once however often it is written, if the item is still at that epoch; the
   * item after it, or undefined when the epoch has moved on (the index then counts as a call).
   */
  giveUp(name: string, epoch: number, index: number): Promise<VersionedBudget | undefined>;
}

/** What a waiting job carries from one wake-up to the next (its execution state). */
export interface QueuePlace {
  /** The job's ticket (slots), or its index in the counter's epoch (ordered rate budgets). */
  ticket?: number;
  /** Ordered rate budgets: the epoch the index belongs to. */
  epoch?: number;
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

/**
 * An ordered rate budget (schedule.ts): one atomic ADD per job for its index, one read per later wake,
 * then an in-process sleep onto its moment and one read on it (a throttle may have voided it meanwhile).
 * A store fault answers "wait a little" and keeps the place; an index whose answer was lost is simply
 * never used (it counts as a call and leaves with the window).
 */
async function acquireCounted(
  store: BudgetStore,
  spec: BudgetSpec,
  place: QueuePlace,
  clock: () => number,
): Promise<Acquired> {
  let kept: QueuePlace = { ...place, queuedAt: place.queuedAt ?? new Date(clock()).toISOString() };
  const waiting = (
    at: number,
    position: number,
    reason: 'queued' | 'store-unavailable' | 'contention',
    wakeAt: number = wakeBefore(spec, at, clock()),
  ): Acquired => ({
    granted: false,
    place: kept,
    position,
    estimatedStartAt: new Date(at).toISOString(),
    waitUntil: new Date(wakeAt).toISOString(),
    reason,
  });
  try {
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      let current: VersionedBudget;
      let index: number;
      if (kept.ticket !== undefined && kept.epoch !== undefined) {
        current = await store.read(spec.name);
        index = kept.ticket;
        // A throttle voided the epoch the index belongs to: take a new one.
        if (epochOf(spec, current.state).epoch !== kept.epoch) {
          kept = { ...kept, ticket: undefined, epoch: undefined };
          continue;
        }
      } else {
        current = await store.take(spec.name);
        const ep = epochOf(spec, current.state);
        index = ep.taken - 1;
        kept = { ...kept, ticket: index, epoch: ep.epoch };
      }
      let ep = epochOf(spec, current.state);
      const now = clock();
      let plan = planIndex(spec, current.state, ep, index, now);
      if (plan.kind === 'start-after') {
        // The index is given up before the write that says so: whatever happens next, the job never
        // calls on it, so the count of given-up indexes is never too high.
        kept = { ...kept, ticket: undefined, epoch: undefined };
        const after = await store.giveUp(spec.name, ep.epoch, index);
        // (an index it may call on is taken meanwhile: no use trying to start)
        const started =
          after === undefined || epochOf(spec, after.state).taken > plan.upTo
            ? undefined
            : await store.startAfter(spec.name, plan.next, plan.upTo);
        // Another job started the epoch first (or took an index it may call on): a fresh index, now
        // (an ADD never conflicts).
        if (!started) continue;
        ep = epochOf(spec, started.state);
        kept = { ...kept, ticket: 0, epoch: ep.epoch };
        plan = planIndex(spec, started.state, ep, 0, now);
      }
      if (plan.kind === 'restart') {
        if (await store.restart(spec.name, plan.next, { epoch: ep.epoch, taken: ep.taken })) {
          kept = { ...kept, ticket: 0, epoch: plan.next.epoch };
          plan = planIndex(spec, current.state, plan.next, 0, now);
        } else {
          // Another job took an index meanwhile, or started an epoch first: a fresh index.
          kept = { ...kept, ticket: undefined, epoch: undefined };
          await sleep(Math.random() * 20 * (attempt + 1));
          continue;
        }
      }
      if (plan.kind === 'wait') return waiting(plan.at, plan.position, 'queued');
      if (plan.kind === 'restart' || plan.kind === 'start-after') continue;
      if (plan.at > now) {
        await sleep(Math.min(plan.at - now, inProcessMs(spec)));
        // One more look before the call: a throttle reported while it slept voids the moments not yet
        // reached, and calling on one would only draw another throttle.
        const woke = await store.read(spec.name);
        const own = { epoch: kept.epoch ?? ep.epoch, at: plan.at, since: now };
        const verdict = onWaking(spec, woke.state, own, clock());
        if (verdict === 'void') kept = { ...kept, ticket: undefined, epoch: undefined };
        // (late: the next pass finds the moment behind the clock and gives the index up)
        if (verdict !== 'call') continue;
      }
      return { granted: true, ticket: kept.ticket ?? 0, waitedMs: queuedFor(kept, clock()) };
    }
    const at = clock() + Math.round(paceMs(spec, spec.limit) + Math.random() * 50);
    return waiting(at, 1, 'contention', at);
  } catch {
    const at = clock() + faultWaitMs(spec);
    return waiting(at, 1, 'store-unavailable', at);
  }
}

export async function acquireBudget(
  store: BudgetStore,
  spec: BudgetSpec,
  place: QueuePlace,
  clock: () => number = Date.now,
): Promise<Acquired> {
  if (isScheduled(spec)) return acquireCounted(store, spec, place, clock);
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
  if (isScheduled(spec)) return restartThrottled(store, spec, clock);
  return updateBudget(store, spec, (s, now) => onThrottle(spec, s, now), clock);
}

/** A counted budget slows by starting an epoch at the lowered limit (best effort, like the others). */
async function restartThrottled(store: BudgetStore, spec: BudgetSpec, clock: () => number): Promise<void> {
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
    const current = await store.read(spec.name);
    const now = clock();
    const slowed = onThrottle(spec, current.state, now);
    if (slowed === current.state) return;
    const ep = epochOf(spec, current.state);
    const feedback = { throttledAt: slowed.throttledAt, factorAfterThrottle: slowed.factorAfterThrottle };
    if (await store.restart(spec.name, throttledEpoch(spec, slowed, now), ep, feedback)) return;
    await sleep(Math.random() * 20 * (attempt + 1));
  }
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
