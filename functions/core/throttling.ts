/**
 * Throttling, told apart by the upstream CODE. Volcengine has been seen answering
 * `AccountFlowLimitExceeded` both as HTTP 429 and inside an HTTP 200 `ResponseMetadata.Error`, so the
 * status alone says nothing; a 429 without one of these codes (a gateway's own limiter, a proxy) still
 * counts as "not now". Each code carries the hint a person reads in logs and status bodies.
 */

const PER_MINUTE_TIERS =
  'CreateAsset allows 3 calls per minute on a Basic entitlement, 120 on Advanced and 300 on Premium';

/** Exact codes (the part before the first `.`) and what to do about each. */
const THROTTLE_HINTS: Readonly<Record<string, string>> = {
  AccountFlowLimitExceeded: `The account-wide request rate of this action was exceeded (Volcengine may report it inside an HTTP 200); the call is retried with backoff. ${PER_MINUTE_TIERS}: send fewer uploads at once or raise the entitlement tier.`,
  QuotaWriteQPMExceeded: `CreateAsset went over its per-minute quota; the call is retried later. ${PER_MINUTE_TIERS}: send fewer uploads at once or raise the entitlement tier.`,
  FlowLimitExceeded:
    'The account request rate was exceeded (older code for AccountFlowLimitExceeded); the call is retried with backoff. Keep each action under its QPS limit (GetAsset 100, DeleteAssetGroup 5, the rest 10).',
  RateLimitExceeded:
    'The gateway or endpoint rate limit was exceeded; the call is retried with backoff. If it persists, lower the request rate or raise the limit with the provider.',
  ModelAccountRpmRateLimitExceeded:
    "The model's requests-per-minute limit for this account was exceeded; the call is retried with backoff. Start fewer videos at once or raise the model's RPM quota in the Ark console.",
  ModelAccountTpmRateLimitExceeded:
    "The model's tokens-per-minute limit for this account was exceeded; the call is retried with backoff. Shorter or lower-resolution videos use fewer tokens; or raise the model's TPM quota in the Ark console.",
  ServerOverloaded:
    'The model service is overloaded right now (not a limit of this account); the call is retried later. Nothing to change on this side.',
  Throttling: 'The upstream throttled the call; it is retried with backoff.',
};

const baseOf = (code: string): string => code.split('.')[0] ?? code;

/** True for every throttling code of either service, whatever HTTP status it came with. */
export function isThrottleCode(code: string): boolean {
  return Object.hasOwn(THROTTLE_HINTS, baseOf(code));
}

/** Throttled by code, or a 429 (the service said "not now" without a code we know). */
export function isThrottling(code: string, status: number): boolean {
  return isThrottleCode(code) || status === 429;
}

/** The hint for a throttled call; undefined when the call was not throttled. */
export function throttleHint(code: string, status: number): string | undefined {
  if (isThrottleCode(code)) return THROTTLE_HINTS[baseOf(code)];
  if (status === 429)
    return `The upstream limited the request rate (HTTP 429${code ? `, ${code}` : ''}); the call is retried with backoff.`;
  return undefined;
}

/** Throttling codes the clients know, for tests and docs. */
export const THROTTLE_CODES: readonly string[] = Object.keys(THROTTLE_HINTS);
