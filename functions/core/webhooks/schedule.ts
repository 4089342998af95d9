/**
 * When to try a delivery again: the Standard Webhooks schedule (now, 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 14 h, 20 h, 24 h after the previous attempt), each delay jittered by up to ±10 % so a
 * receiver coming back is not hit by every endpoint's retries at once; a `Retry-After` longer than
 * the next delay is honoured (capped at 24 h); 410 Gone disables the endpoint; after the last attempt
 * the delivery is a dead letter (kept, alarmed, replayable).
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [
  0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400,
];
const MAX_RETRY_AFTER_SECONDS = 86_400;
const JITTER = 0.1;

export type AttemptOutcome =
  | { kind: 'answered'; status: number; retryAfterSeconds?: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: string };

export type NextStep =
  | { action: 'done' }
  | { action: 'retry'; attempt: number; delaySeconds: number }
  | { action: 'dead-letter'; reason: string }
  | { action: 'disable-endpoint' };

/** `attempt` is the 0-based index of the attempt that just ended; `random` in [0, 1). */
export function afterAttempt(
  attempt: number,
  outcome: AttemptOutcome,
  random: () => number = Math.random,
): NextStep {
  if (outcome.kind === 'answered' && outcome.status >= 200 && outcome.status < 300) return { action: 'done' };
  if (outcome.kind === 'answered' && outcome.status === 410) return { action: 'disable-endpoint' };
  const next = attempt + 1;
  const base = RETRY_DELAYS_SECONDS[next];
  if (base === undefined)
    return {
      action: 'dead-letter',
      reason: outcome.kind === 'answered' ? `HTTP ${outcome.status}` : outcome.reason,
    };
  const jittered = Math.max(0, Math.round(base * (1 + JITTER * (2 * random() - 1))));
  const asked =
    outcome.kind === 'answered' && outcome.retryAfterSeconds !== undefined
      ? Math.min(outcome.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS)
      : 0;
  return { action: 'retry', attempt: next, delaySeconds: Math.max(jittered, asked) };
}
