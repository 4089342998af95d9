/**
 * Every throttling code the clients must recognise (issue 12, UPSTREAM.md §1 and §2) with a pattern
 * only its own hint matches, so a test proves each code got the right hint and not a generic one.
 */
export const THROTTLE_VARIANTS: ReadonlyArray<readonly [code: string, hint: RegExp]> = [
  ['AccountFlowLimitExceeded', /account-wide request rate.*3 calls per minute on a Basic/],
  ['QuotaWriteQPMExceeded', /CreateAsset went over its per-minute quota/],
  ['FlowLimitExceeded', /older code for AccountFlowLimitExceeded/],
  ['RateLimitExceeded', /gateway or endpoint rate limit/],
  ['RateLimitExceeded.EndpointRPMExceeded', /gateway or endpoint rate limit/],
  ['RateLimitExceeded.EndpointTPMExceeded', /gateway or endpoint rate limit/],
  ['ModelAccountRpmRateLimitExceeded', /requests-per-minute limit/],
  ['ModelAccountTpmRateLimitExceeded', /tokens-per-minute limit/],
  ['ServerOverloaded', /overloaded right now/],
];
