/** Polling until a terminal state, tolerating a few transient failures in between. */
import { ApiCallError } from './api-client';
import { formatElapsed } from './format';

export interface PollOptions<T> {
  intervalMs: number;
  timeoutMs: number;
  isDone: (value: T) => boolean;
  onUpdate?: (value: T) => void;
  /** Describes the last value for the timeout message ("upload u-1 is still validating"). */
  describe?: (value: T | undefined) => string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Consecutive transient failures (no answer, 5xx) tolerated before giving up. */
  maxTransientFailures?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function pollUntil<T>(get: () => Promise<T>, opts: PollOptions<T>): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const maxFailures = opts.maxTransientFailures ?? 3;
  const deadline = now() + opts.timeoutMs;
  let last: T | undefined;
  let failures = 0;
  for (;;) {
    try {
      last = await get();
      failures = 0;
      opts.onUpdate?.(last);
      if (opts.isDone(last)) return last;
    } catch (e) {
      const transient = e instanceof ApiCallError && (e.status === 0 || e.status >= 500);
      if (!transient || ++failures > maxFailures) throw e;
    }
    const left = deadline - now();
    if (left <= 0) {
      const what = opts.describe?.(last) ?? 'the operation is still running';
      throw new ApiCallError(
        0,
        'WaitTimeout',
        `Gave up waiting after ${formatElapsed(opts.timeoutMs)}: ${what}`,
        undefined,
        'It keeps going on the server; check again later, or wait longer with --timeout.',
      );
    }
    await sleep(Math.min(opts.intervalMs, left));
  }
}
