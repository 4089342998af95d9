/**
 * Per-action token buckets (capacity = QPS, refilled continuously) for the Volcengine account limits,
 * and a rolling one-minute window for the task API's RPM. Rates are real time: the time scale shrinks
 * waits, not throughput, so a benchmark sees the limits it would meet upstream.
 */
interface Bucket {
  tokens: number;
  at: number;
  qps: number;
}

export class ActionRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private limits: Record<string, number>) {}

  setLimits(limits: Record<string, number>): void {
    this.limits = limits;
    this.buckets.clear();
  }

  qpsFor(action: string): number {
    return this.limits[action] ?? this.limits['*'] ?? 0;
  }

  /** True when the call may proceed; a limit ≤ 0 means unlimited. */
  take(action: string, now = Date.now()): boolean {
    const qps = this.qpsFor(action);
    if (!(qps > 0) || !Number.isFinite(qps)) return true;
    let b = this.buckets.get(action);
    if (!b || b.qps !== qps) {
      b = { tokens: qps, at: now, qps };
      this.buckets.set(action, b);
    }
    b.tokens = Math.min(qps, b.tokens + ((now - b.at) / 1000) * qps);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

export class RollingMinuteLimiter {
  private stamps: number[] = [];

  constructor(private rpm: number) {}

  setRpm(rpm: number): void {
    this.rpm = rpm;
  }

  take(now = Date.now()): boolean {
    if (!(this.rpm > 0)) return true;
    this.stamps = this.stamps.filter((t) => now - t < 60_000);
    if (this.stamps.length >= this.rpm) return false;
    this.stamps.push(now);
    return true;
  }
}
