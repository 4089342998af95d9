import { describe, expect, it } from 'vitest';
import {
  createAssetBudget,
  decide,
  effectiveLimit,
  emptyBudgetState,
  estimateTurn,
  getTaskBudget,
  liveGrants,
  liveLeases,
  onThrottle,
  releaseLease,
  renewLease,
  sleepFor,
  taskSlotsBudget,
  type BudgetState,
} from '../../functions/core/governor';

const spec = createAssetBudget(3, 1); // basic: 3 per 60 s
const span = spec.windowMs + spec.marginMs;

/** Runs `jobs` tickets against the budget, each asking again when told; returns the grant times. */
function simulate(jobs: number, start = 0): { grants: Map<number, number>; asks: Map<number, number> } {
  let state: BudgetState = emptyBudgetState();
  const wake = new Map<number, number>(Array.from({ length: jobs }, (_, i) => [i + 1, start]));
  const grants = new Map<number, number>();
  const asks = new Map<number, number>();
  while (wake.size > 0) {
    const [ticket, at] = [...wake.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]!;
    asks.set(ticket, (asks.get(ticket) ?? 0) + 1);
    const d = decide(spec, state, ticket, at);
    if (d.granted) {
      state = d.state;
      grants.set(ticket, at);
      wake.delete(ticket);
    } else wake.set(ticket, at + d.waitMs);
  }
  return { grants, asks };
}

describe('governor window', () => {
  it('never grants more than the limit inside any window (plus margin)', () => {
    // Act
    const { grants } = simulate(20);
    const times = [...grants.values()].sort((a, b) => a - b);
    // Assess
    for (const t of times) expect(times.filter((x) => x >= t && x < t + span).length).toBeLessThanOrEqual(3);
    expect(times).toHaveLength(20);
  });

  it('serves oldest tickets first and finishes near the ideal N ÷ rate', () => {
    // Act
    const { grants } = simulate(10);
    const order = [...grants.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([t]) => t);
    // Assess
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const last = Math.max(...grants.values());
    expect(last).toBeLessThanOrEqual(1.1 * (10 / 3) * spec.windowMs);
  });

  it('wakes each queued job a bounded number of times (about log2 of its wait in windows, plus two)', () => {
    // Act
    const { asks } = simulate(60);
    // Assess: the 60th waits ~20 windows: log2(20) + 2 ≈ 6.3
    expect(Math.max(...asks.values())).toBeLessThanOrEqual(8);
  });

  it('estimates the turn of the p-th in line from the grants in the window', () => {
    // Prepare: three grants at 0, 1 s, 2 s
    const live = [0, 1000, 2000].map((g) => g + span);
    // Act / Assess
    expect(estimateTurn(spec, live, 3, 1, 5000)).toBe(span);
    expect(estimateTurn(spec, live, 3, 3, 5000)).toBe(2000 + span);
    expect(estimateTurn(spec, live, 3, 4, 5000)).toBe(2 * span);
  });

  it('lets a later ticket take a slot left free past the hold-off (a crashed step never comes back)', () => {
    // Prepare: a full window; ticket 1 crashed after joining and never asks; ticket 2 is second in line
    const full: BudgetState = { grants: [0, 20_000, 40_000], served: 0 };
    // Act: right after the first slot frees, and once it has stayed free for the hold-off
    const early = decide(spec, full, 2, span + 10);
    const late = decide(spec, full, 2, span + spec.holdoffMs + 10);
    // Assess
    expect(early).toMatchObject({ granted: false, position: 2 });
    expect(late.granted).toBe(true);
    expect(decide(spec, full, 1, span + 10).granted).toBe(true); // ticket 1 itself would have had it
  });

  it('halves the limit on a throttle (once per quarter window) and recovers additively a window later', () => {
    // Prepare
    const big = createAssetBudget(120, 1);
    const s0 = emptyBudgetState();
    // Act
    const s1 = onThrottle(big, s0, 0);
    const s2 = onThrottle(big, s1, 1000);
    // Assess
    expect(effectiveLimit(big, s1, 0)).toBe(60);
    expect(s2).toBe(s1);
    // no recovery while upstream's window still holds the calls that drew the throttle
    expect(effectiveLimit(big, s1, big.windowMs)).toBe(60);
    expect(effectiveLimit(big, s1, 2 * big.windowMs)).toBe(66);
    expect(effectiveLimit(big, s1, 20 * big.windowMs)).toBe(120);
    expect(liveGrants(big, { grants: [0, big.windowMs], served: 0 }, big.windowMs + 1)).toHaveLength(2);
  });

  it('sleeps until the turn, waking halfway while it is more than a window away', () => {
    // Assess
    expect(sleepFor(spec, 10 * spec.windowMs)).toBe(5 * spec.windowMs);
    expect(sleepFor(spec, 1.5 * spec.windowMs)).toBe(spec.windowMs);
    expect(sleepFor(spec, 0.5 * spec.windowMs)).toBe(0.5 * spec.windowMs);
  });
});

describe('governor slots (running tasks per model)', () => {
  const slots = taskSlotsBudget('m', 3, { leaseMs: 10_000, typicalHoldMs: 5_000, timeScale: 1 });
  const grantAll = (tickets: number[], at: number, s0: BudgetState = emptyBudgetState()) =>
    tickets.reduce<{ state: BudgetState; granted: number[] }>(
      (acc, t) => {
        const d = decide(slots, acc.state, t, at);
        return d.granted ? { state: d.state, granted: [...acc.granted, t] } : acc;
      },
      { state: s0, granted: [] },
    );

  it('holds at most the slots at once, oldest tickets first, and gives a holder its own lease again', () => {
    // Act
    const { state, granted } = grantAll([1, 2, 3, 4, 5], 0);
    const again = decide(slots, state, 2, 100);
    // Assess
    expect(granted).toEqual([1, 2, 3]);
    expect(liveLeases(state, 1)).toHaveLength(3);
    expect(again.granted).toBe(true);
    expect(again.granted && liveLeases(again.state, 100)).toHaveLength(3);
    expect(decide(slots, state, 4, 100)).toMatchObject({ granted: false, position: 1 });
  });

  it('frees a slot when its holder releases it, and learns how long slots are held', () => {
    // Prepare
    const { state } = grantAll([1, 2, 3], 0);
    // Act
    const released = releaseLease(state, 1, 8_000);
    const next = decide(slots, released, 4, 8_001);
    // Assess
    expect(released.meanHoldMs).toBe(8_000);
    expect(next.granted).toBe(true);
  });

  it('takes back a lease its holder stopped renewing (a crashed step), and keeps a renewed one', () => {
    // Prepare
    const { state } = grantAll([1, 2, 3], 0);
    const renewed = renewLease(slots, state, 1, 9_000);
    // Act: 3 and 2 lapse at 10 s; 1 was renewed until 19 s
    const live = liveLeases(renewed, 10_001).map((l) => l.ticket);
    // Assess
    expect(live).toEqual([1]);
    expect(decide(slots, renewed, 4, 10_001).granted).toBe(true);
  });

  it('estimates the p-th in line from the mean hold of the running slots', () => {
    // Prepare: three slots taken at 0 with a typical hold of 5 s
    const { state } = grantAll([1, 2, 3], 0);
    // Act
    const fourth = decide(slots, state, 4, 1_000);
    const seventh = decide(slots, state, 7, 1_000);
    // Assess
    expect(fourth).toMatchObject({ granted: false, position: 1, estimatedStartAt: 5_000 });
    expect(seventh).toMatchObject({ granted: false, position: 4, estimatedStartAt: 10_000 });
  });
});

describe('governor without a queue (the per-second Get-task budget)', () => {
  it('grants whoever asks while the second has room, and never more than the limit in a second', () => {
    // Prepare
    const get = getTaskBudget(20, 1);
    let state = emptyBudgetState();
    const times: number[] = [];
    // Act: 60 askers over ~1.5 s, every 25 ms
    for (let t = 0; t < 1500; t += 25) {
      const d = decide(get, state, 0, t);
      if (d.granted) {
        state = d.state;
        times.push(t);
      }
    }
    // Assess
    for (const t of times) expect(times.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(20);
    expect(times.length).toBeGreaterThanOrEqual(20);
  });
});
