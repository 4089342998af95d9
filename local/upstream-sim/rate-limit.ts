/**
 * The account limits of UPSTREAM.md, in SIMULATED time: every window (a QPS bucket's second, the
 * CreateAsset tier minute, the task-create minute) is multiplied by the time scale. The stack scales its
 * own waits (polling, backoff, retry delays) by the same factor, so one clock governs both sides: a
 * client that paces itself correctly against the real service paces correctly here at any scale, and a
 * tier keeps its meaning (premium at 0.01 is 300 calls per 0.6 s, not capped by an unscaled 10 QPS to
 * 6 per scaled minute). Benchmarks that want wall-clock throughput run at timeScale 1.
 */
interface Bucket {
  tokens: number;
  at: number;
  qps: number;
}

/** Per-action token buckets: capacity = QPS, refilled continuously at QPS per (1 s × timeScale). */
export class ActionRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private limits: Record<string, number>,
    private readonly timeScale: () => number,
  ) {}

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
    b.tokens = Math.min(qps, b.tokens + ((now - b.at) / (1000 * this.timeScale())) * qps);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** At most `limit()` accepted calls in any sliding window of `windowMs()`; refused calls don't count. */
export class SlidingWindowLimiter {
  private stamps: number[] = [];

  constructor(
    private readonly limit: () => number,
    private readonly windowMs: () => number,
  ) {}

  take(now = Date.now()): boolean {
    const limit = this.limit();
    if (!(limit > 0)) return true;
    const window = this.windowMs();
    this.stamps = this.stamps.filter((t) => now - t < window);
    if (this.stamps.length >= limit) return false;
    this.stamps.push(now);
    return true;
  }

  reset(): void {
    this.stamps = [];
  }
}
