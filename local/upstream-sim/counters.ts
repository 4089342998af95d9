import type { ActionCounter } from './types';

export interface CallOutcome {
  /** 2xx answer. */
  ok: boolean;
  /** Refused by the simulator's own rate limit (not by an injected fault). */
  throttled: boolean;
  /** Any fault rule hit the call (latency included). */
  faulted: boolean;
}

/** Calls per action and how they ended, for tests and benchmarks. */
export class Counters {
  private data = new Map<string, ActionCounter>();

  record(action: string, outcome: CallOutcome): void {
    let c = this.data.get(action);
    if (!c) {
      c = { calls: 0, ok: 0, throttled: 0, faulted: 0 };
      this.data.set(action, c);
    }
    c.calls += 1;
    if (outcome.ok) c.ok += 1;
    if (outcome.throttled) c.throttled += 1;
    if (outcome.faulted) c.faulted += 1;
  }

  snapshot(): Record<string, ActionCounter> {
    return Object.fromEntries([...this.data].map(([k, v]) => [k, { ...v }]));
  }

  reset(): void {
    this.data.clear();
  }
}
