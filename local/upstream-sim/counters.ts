import type { ActionCounter, FaultCounter, FaultKind } from './types';

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
    if (outcome.status >= 200 && outcome.status < 300 && !replaced) c.ok += 1;
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
