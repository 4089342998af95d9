import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { StepError, asStepError, parseStepFailure } from '../../functions/core/step-errors';

const PRESIGNED =
  'https://b.s3.amazonaws.com/incoming/g/u.png?X-Amz-Signature=abc123&X-Amz-Security-Token=tok';

describe('StepError', () => {
  it('carries code, message and details as JSON the API can parse back', () => {
    // Act
    const e = new StepError('AssetFailed', 'FormatUnsupported', 'not an image', { assetId: 'asset-1' });
    const parsed = parseStepFailure(e.name, JSON.stringify({ errorType: e.name, errorMessage: e.message }));
    // Assess
    expect(parsed).toMatchObject({
      error: 'AssetFailed',
      code: 'FormatUnsupported',
      message: 'not an image',
      assetId: 'asset-1',
    });
  });

  it('scrubs a presigned URL that upstream echoed in its failure message', () => {
    // Act
    const e = new StepError('AssetFailed', 'DownloadFailed', `could not download ${PRESIGNED}`);
    // Assess
    expect(e.message).not.toMatch(/X-Amz-Signature|abc123|tok/);
    expect(e.message).toContain('https://b.s3.amazonaws.com/incoming/g/u.png?[redacted]');
  });

  it.each([
    ['FlowLimitExceeded', 429, 'Upstream.Throttled'],
    ['InternalError', 500, 'Upstream.Transient'],
    ['Timeout', 0, 'Upstream.Transient'],
    ['InvalidParameter', 400, 'Upstream.Rejected'],
  ])('names an upstream %s (HTTP %i) %s for Retry/Catch', (code, status, name) => {
    // Act
    const e = asStepError(new UpstreamError({ service: 'volcengine', code, status, message: 'm' }));
    // Assess
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).name).toBe(name);
  });

  it('lets other errors through unchanged', () => {
    const e = new Error('boom');
    expect(asStepError(e)).toBe(e);
  });

  it('shows only the message of a non-StepError Lambda failure, never its stack trace', () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'AccessDenied',
      errorMessage: `Access Denied for ${PRESIGNED}`,
      trace: ['AccessDenied: Access Denied', '    at /var/task/index.mjs:1:2345'],
    });
    // Act
    const f = parseStepFailure('AccessDenied', cause);
    // Assess
    expect(f).toEqual({
      error: 'AccessDenied',
      code: 'AccessDenied',
      message: 'Access Denied for https://b.s3.amazonaws.com/incoming/g/u.png?[redacted]',
    });
  });

  it('scrubs a plain-text cause from a Fail state', () => {
    expect(parseStepFailure('VideoFailed', `failed at ${PRESIGNED}`).message).not.toMatch(/abc123/);
  });
});
