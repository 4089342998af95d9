import { describe, expect, it } from 'vitest';
import {
  ASSET_FAILURE_CODES,
  assetFailureHint,
  knownAssetFailureHint,
} from '../../functions/core/asset-failures';
import { apiErrorFromUpstream, UpstreamError } from '../../functions/core/errors';
import { upstreamStepError } from '../../functions/core/step-errors';
import { THROTTLE_CODES } from '../../functions/core/throttling';
import { THROTTLE_VARIANTS } from '../support/throttle-variants';

const upstream = (code: string, status: number) =>
  new UpstreamError({ service: 'volcengine', code, status, message: 'm', operation: 'GetAsset' });

describe('apiErrorFromUpstream', () => {
  it.each([
    ['Timeout', 0, 504, 'UpstreamTimeout'],
    ['NetworkError', 0, 504, 'UpstreamUnavailable'],
    ['FlowLimitExceeded', 429, 503, 'UpstreamThrottled'],
    ['AccountFlowLimitExceeded', 200, 503, 'UpstreamThrottled'],
    ['QuotaWriteQPMExceeded', 429, 503, 'UpstreamThrottled'],
    ['InvalidParameter', 200, 502, 'UpstreamError'],
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

describe('throttling is told by code, whatever the HTTP status', () => {
  it.each(
    THROTTLE_VARIANTS.flatMap(([code, hint]) => [0, 200, 400, 429, 503].map((s) => [code, s, hint] as const)),
  )(
    '%s with HTTP %i is throttled and retryable, with its own hint, and leaves a step as Upstream.Throttled',
    (code, status, hint) => {
      // Act
      const e = upstream(code, status);
      // Assess
      expect(e).toMatchObject({ throttled: true, retryable: true });
      expect(e.hint).toMatch(hint);
      expect(upstreamStepError(e).name).toBe('Upstream.Throttled');
    },
  );

  it('knows exactly the throttling codes of the issue (RateLimitExceeded as a prefix family)', () => {
    expect([...THROTTLE_CODES].sort()).toEqual(
      [
        'AccountFlowLimitExceeded',
        'QuotaWriteQPMExceeded',
        'FlowLimitExceeded',
        'RateLimitExceeded',
        'ModelAccountRpmRateLimitExceeded',
        'ModelAccountTpmRateLimitExceeded',
        'ServerOverloaded',
        'Throttling',
      ].sort(),
    );
  });

  it.each([
    ['InvalidParameter', 200, false, 'Upstream.Rejected'],
    ['AccountFlowLimit', 200, false, 'Upstream.Rejected'],
    ['RateLimitExceededSoon', 400, false, 'Upstream.Rejected'],
    ['InternalError', 200, true, 'Upstream.Transient'],
    ['InternalServiceError', 500, true, 'Upstream.Transient'],
  ])('%s with HTTP %i is not throttling (retryable %s → %s)', (code, status, retryable, step) => {
    // Act
    const e = upstream(code, status);
    // Assess
    expect(e).toMatchObject({ throttled: false, retryable });
    expect(upstreamStepError(e).name).toBe(step);
  });

  it('still treats a 429 without a known code as throttling, with a hint naming what came', () => {
    // Act
    const coded = upstream('TooManyRequests', 429);
    const bare = upstream('UnexpectedResponse', 429);
    // Assess
    expect(coded).toMatchObject({ throttled: true, retryable: true });
    expect(coded.hint).toMatch(/HTTP 429, TooManyRequests.*retried/);
    expect(bare.hint).toMatch(/HTTP 429, UnexpectedResponse/);
  });

  it('lists throttled in the JSON a step or log line carries', () => {
    expect(upstream('AccountFlowLimitExceeded', 200).toJSON()).toMatchObject({
      code: 'AccountFlowLimitExceeded',
      status: 200,
      throttled: true,
      retryable: true,
    });
  });
});

/** UPSTREAM.md §1 "Failure codes", typed out here so the table in code cannot drift from it unseen. */
const UPSTREAM_FAILURE_CODES = [
  'DownloadFailed',
  'TypeMismatch',
  'FormatUnsupported',
  'FormatUndetectable',
  'WidthTooSmall',
  'HeightTooSmall',
  'WidthTooLarge',
  'HeightTooLarge',
  'AspectRatioTooSmall',
  'AspectRatioTooLarge',
  'FileSizeTooLarge',
  'ContentRestricted',
  'InputImageSensitiveContentDetected',
  'FaceMismatch',
  'DurationTooShort',
  'DurationTooLong',
  'PixelCountTooSmall',
  'PixelCountTooLarge',
  'FpsTooLow',
  'FpsTooHigh',
  'AudioTrackRequired',
  'AudioTrackForbidden',
  'InputTextSensitiveContentDetected',
  'InputVideoSensitiveContentDetected',
  'InputAudioSensitiveContentDetected',
  'TranscodingFailed',
  'ModerationServiceErrorUploadFailed',
  'InternalError',
  'SubscriptionRequired',
];

/** What a hint must tell the person to do. */
const ACTION =
  /\b(upload|pick|contact|reword|crop|scale|compress|convert|re-encode|trim|export|ask|remove|run)\b/i;

describe('asset failure hints', () => {
  it('has a hint for exactly the failure codes of UPSTREAM.md', () => {
    expect([...ASSET_FAILURE_CODES].sort()).toEqual([...UPSTREAM_FAILURE_CODES].sort());
  });

  it.each(UPSTREAM_FAILURE_CODES)('%s has its own hint that says what to do', (code) => {
    // Act
    const hint = knownAssetFailureHint(code);
    // Assess
    expect(hint).toMatch(ACTION);
    expect(assetFailureHint(code)).toBe(hint);
    expect(hint).not.toContain(code);
  });

  it('gives different codes different hints', () => {
    const hints = UPSTREAM_FAILURE_CODES.map((c) => knownAssetFailureHint(c));
    expect(new Set(hints).size).toBe(hints.length);
  });

  it.each(['Image', 'Video', 'Audio', 'Text'])(
    'Input%sSensitiveContentDetected adds what its .PolicyViolation and .PrivacyInformation suffixes mean',
    (kind) => {
      // Prepare
      const code = `Input${kind}SensitiveContentDetected`;
      // Act
      const plain = knownAssetFailureHint(code) ?? '';
      const copyright = knownAssetFailureHint(`${code}.PolicyViolation`);
      const person = knownAssetFailureHint(`${code}.PrivacyInformation`);
      // Assess
      expect(copyright).toMatch(new RegExp(`^${plain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*copyright`));
      expect(person).toMatch(/real person.*liveness check/);
      expect(knownAssetFailureHint(`${code}.SomethingElse`)).toBe(plain);
    },
  );

  it.each([
    ['BrandNewCode', /^Upstream refused the file with code BrandNewCode: .*upload it again.*contact support/],
    ['Unknown', /^Upstream refused the file without giving a reason: .*upload it again/],
    ['', /^Upstream refused the file without giving a reason/],
  ])('reads well for an unknown code %j', (code, hint) => {
    expect(knownAssetFailureHint(code)).toBeUndefined();
    expect(assetFailureHint(code)).toMatch(hint);
    expect(assetFailureHint(code)).toMatch(ACTION);
  });
});
