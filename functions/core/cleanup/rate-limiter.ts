/**
 * Client-side spacing of calls to one upstream action (DeleteAssetGroup allows 5 QPS per account).
 * Hand-written because it is a dozen lines and the libraries (bottleneck, p-limit) add a bundle and
 * still need this wrapper for the clock injection the tests use.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimiter {
  /** Resolves when the next call may start. */
  take(): Promise<void>;
}

/**
 * At most `perSecond` starts in any one-second window: starts are spaced by 1000/perSecond ms plus a
 * small margin, so clock jitter on either side cannot squeeze a sixth call into a window.
 */
export function rateLimiter(perSecond: number, clock: Clock = realClock, marginMs = 10): RateLimiter {
  if (!(perSecond > 0)) throw new Error('perSecond must be positive');
  const interval = 1000 / perSecond + marginMs;
  let next = 0;
  return {
    async take() {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await clock.sleep(at - now);
    },
  };
}
