import type { ActionCounter, FaultCounter, FaultKind, RateStat } from './types';

export interface CallOutcome {
  /** Status answered; 0 when the connection closed without a complete answer. */
  status: number;
  /** Refused by the simulator's own rate limit (not by an injected fault). */
  throttled: boolean;
  /** Kinds of the fault rules that hit the call: `latency` and at most one terminal kind. */
  faults: readonly FaultKind[];
}

/** Calls per action and how they ended, for tests and benchmarks. */
export class Counters {
  private data = new Map<string, ActionCounter>();
  private faultData = new Map<string, FaultCounter>();

  record(action: string, outcome: CallOutcome): void {
    let c = this.data.get(action);
    if (!c) {
      c = { calls: 0, ok: 0, throttled: 0, faulted: 0 };
      this.data.set(action, c);
    }
    // A terminal fault replaced the real answer, even when it came as a 200 (malformed).
    const replaced = outcome.faults.some((k) => k !== 'latency');
    c.calls += 1;
    if (outcome.status >= 200 && outcome.status < 300 && !replaced && !outcome.throttled) c.ok += 1;
    if (outcome.throttled) c.throttled += 1;
    if (outcome.faults.length > 0) {
      c.faulted += 1;
      this.recordFaults(action, outcome);
    }
  }

  private recordFaults(action: string, outcome: CallOutcome): void {
    let f = this.faultData.get(action);
    if (!f) {
      f = { error: 0, latency: 0, reset: 0, malformed: 0, errorStatuses: {} };
      this.faultData.set(action, f);
    }
    for (const kind of new Set(outcome.faults)) f[kind] += 1;
    if (outcome.faults.includes('error')) {
      const key = String(outcome.status);
      f.errorStatuses[key] = (f.errorStatuses[key] ?? 0) + 1;
    }
  }

  snapshot(): Record<string, ActionCounter> {
    return Object.fromEntries([...this.data].map(([k, v]) => [k, { ...v }]));
  }

  faultSnapshot(): Record<string, FaultCounter> {
    return Object.fromEntries(
      [...this.faultData].map(([k, v]) => [k, { ...v, errorStatuses: { ...v.errorStatuses } }]),
    );
  }

  reset(): void {
    this.data.clear();
    this.faultData.clear();
  }
}

interface RateTrack {
  accepted: number;
  throttled: number;
  throttledBy: Record<string, number>;
  maxAcceptedInWindow: number;
  /** Accepted calls inside the current window, oldest first. */
  recent: number[];
  maxAcceptedInSecond: number;
  /** Accepted calls inside the current second (1 s × timeScale), oldest first. */
  recentSecond: number[];
}

/**
 * What the account limits let through, per action: accepted and throttled calls and the most calls
 * accepted in any sliding window (60 s × timeScale) and in any sliding second (1 s × timeScale, for the
 * per-second limits such as Get task's 20). Kept apart from the limiters so a bench measures the
 * limit instead of trusting it. The densest window always ends at an accepted call, so counting the
 * window behind each one finds it with bounded memory.
 */
export class RateStats {
  private data = new Map<string, RateTrack>();

  constructor(
    private readonly windowMs: () => number,
    private readonly secondMs: () => number = () => windowMs() / 60,
  ) {}

  private track(action: string): RateTrack {
    let t = this.data.get(action);
    if (!t) {
      t = {
        accepted: 0,
        throttled: 0,
        throttledBy: {},
        maxAcceptedInWindow: 0,
        recent: [],
        maxAcceptedInSecond: 0,
        recentSecond: [],
      };
      this.data.set(action, t);
    }
    return t;
  }

  accepted(action: string, now = Date.now()): void {
    const t = this.track(action);
    const window = this.windowMs();
    t.accepted += 1;
    t.recent.push(now);
    while (t.recent.length > 0 && now - (t.recent[0] as number) >= window) t.recent.shift();
    t.maxAcceptedInWindow = Math.max(t.maxAcceptedInWindow, t.recent.length);
    const second = this.secondMs();
    t.recentSecond.push(now);
    while (t.recentSecond.length > 0 && now - (t.recentSecond[0] as number) >= second) t.recentSecond.shift();
    t.maxAcceptedInSecond = Math.max(t.maxAcceptedInSecond, t.recentSecond.length);
  }

  throttled(action: string, answer: string): void {
    const t = this.track(action);
    t.throttled += 1;
    t.throttledBy[answer] = (t.throttledBy[answer] ?? 0) + 1;
  }

  snapshot(): Record<string, RateStat> {
    const windowMs = this.windowMs();
    return Object.fromEntries(
      [...this.data].map(([k, t]) => [
        k,
        {
          accepted: t.accepted,
          throttled: t.throttled,
          throttledBy: { ...t.throttledBy },
          maxAcceptedInWindow: t.maxAcceptedInWindow,
          windowMs,
          maxAcceptedInSecond: t.maxAcceptedInSecond,
          secondMs: this.secondMs(),
        },
      ]),
    );
  }

  reset(): void {
    this.data.clear();
  }
}
