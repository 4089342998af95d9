import type { Request } from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ApiError, UpstreamError } from '../../functions/core/errors';
import { Logger } from '../../functions/shared/logger';
import { errorResponse, toApiError } from '../../functions/shared/middleware/error-response';
import type { ApiEvent } from '../../functions/shared/middleware/types';
import { apiEvent, lambdaContext } from '../handlers/api-event';

function failed(error: Error): Request<ApiEvent, APIGatewayProxyResult, Error, Context> {
  return { event: apiEvent(), context: lambdaContext(), response: null, error, internal: {} };
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger('test', 'debug', (l) => lines.push(l)), lines };
}

const upstream = (status: number, code: string) =>
  new UpstreamError({
    service: 'volcengine',
    code,
    status,
    message: `${code} happened`,
    operation: 'GetAsset',
  });

describe('errorResponse middleware', () => {
  it('answers an ApiError with its status, code, details and headers', async () => {
    // Prepare
    const { logger } = capture();
    const req = failed(
      new ApiError(409, 'AssetNotActive', 'not active', { status: 'Failed' }, { 'x-a': '1' }),
    );
    // Act
    await errorResponse(logger).onError?.(req);
    // Assess
    expect(req.response?.statusCode).toBe(409);
    expect(req.response?.headers).toMatchObject({ 'content-type': 'application/json', 'x-a': '1' });
    expect(JSON.parse(req.response?.body ?? '')).toEqual({
      error: { code: 'AssetNotActive', message: 'not active', details: { status: 'Failed' } },
    });
  });

  it.each([
    [404, 'NotFound.group_id', 404, 'NotFound'],
    [400, 'InvalidParameter', 400, 'InvalidParameter'],
    [429, 'FlowLimitExceeded', 503, 'UpstreamThrottled'],
    [500, 'InternalError', 502, 'UpstreamError'],
    [401, 'SignatureDoesNotMatch', 502, 'UpstreamCredentialsRejected'],
    [0, 'Timeout', 504, 'UpstreamTimeout'],
    [0, 'NetworkError', 504, 'UpstreamUnavailable'],
    [200, 'MalformedResponse', 502, 'UpstreamError'],
  ])('maps upstream %i %s to %i %s', async (status, code, wantStatus, wantCode) => {
    // Prepare
    const { logger } = capture();
    const req = failed(upstream(status, code));
    // Act
    await errorResponse(logger).onError?.(req);
    // Assess
    expect(req.response?.statusCode).toBe(wantStatus);
    expect(JSON.parse(req.response?.body ?? '').error.code).toBe(wantCode);
  });

  it('adds Retry-After when the upstream throttles', async () => {
    // Prepare
    const { logger } = capture();
    const req = failed(upstream(429, 'FlowLimitExceeded'));
    // Act
    await errorResponse(logger).onError?.(req);
    // Assess
    expect(req.response?.headers?.['Retry-After']).toBe('2');
  });

  it('hides an unknown error behind 500 InternalError and logs it without the stack', async () => {
    // Prepare
    const { logger, lines } = capture();
    const req = failed(new TypeError('cannot read x of undefined at https://bucket/k?X-Amz-Signature=abc'));
    // Act
    await errorResponse(logger).onError?.(req);
    // Assess
    expect(req.response?.statusCode).toBe(500);
    expect(JSON.parse(req.response?.body ?? '')).toEqual({
      error: { code: 'InternalError', message: 'Internal error' },
    });
    expect(lines.join('\n')).not.toMatch(/X-Amz-Signature=abc|\bat .*\.ts:\d+/);
  });

  it('redacts a presigned URL that slipped into an error message', async () => {
    // Prepare
    const { logger } = capture();
    const req = failed(new ApiError(400, 'Bad', 'see https://b.s3.amazonaws.com/k?X-Amz-Signature=deadbeef'));
    // Act
    await errorResponse(logger).onError?.(req);
    // Assess
    expect(req.response?.body).not.toContain('deadbeef');
  });

  it('toApiError keeps ApiErrors as they are', () => {
    // Prepare
    const e = new ApiError(418, 'Teapot', 'short and stout');
    // Act
    const out = toApiError(e);
    // Assess
    expect(out).toBe(e);
  });
});
