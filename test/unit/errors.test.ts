import { describe, expect, it } from 'vitest';
import { apiErrorFromUpstream, UpstreamError } from '../../functions/core/errors';

const upstream = (code: string, status: number) =>
  new UpstreamError({ service: 'volcengine', code, status, message: 'm', operation: 'GetAsset' });

describe('apiErrorFromUpstream', () => {
  it.each([
    ['Timeout', 0, 504, 'UpstreamTimeout'],
    ['NetworkError', 0, 504, 'UpstreamUnavailable'],
    ['FlowLimitExceeded', 429, 503, 'UpstreamThrottled'],
    ['InternalError', 500, 502, 'UpstreamError'],
    ['MalformedResponse', 200, 502, 'UpstreamError'],
    ['SignatureDoesNotMatch', 401, 502, 'UpstreamCredentialsRejected'],
    ['AccessDenied', 403, 502, 'UpstreamCredentialsRejected'],
    ['NotFound.group_id', 404, 404, 'NotFound'],
    ['InvalidParameter', 400, 400, 'InvalidParameter'],
  ])('%s (HTTP %i) answers %i %s', (code, status, apiStatus, apiCode) => {
    // Act
    const e = apiErrorFromUpstream(upstream(code, status));
    // Assess
    expect(e.status).toBe(apiStatus);
    expect(e.code).toBe(apiCode);
  });

  it('tells a throttled caller when to come back', () => {
    expect(apiErrorFromUpstream(upstream('FlowLimitExceeded', 429)).headers).toEqual({ 'Retry-After': '2' });
  });
});
