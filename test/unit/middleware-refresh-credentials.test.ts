import type { Request } from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, UpstreamError } from '../../functions/core/errors';
import {
  isCredentialRejection,
  refreshCredentialsOnAuthError,
} from '../../functions/shared/middleware/refresh-credentials';
import type { ApiEvent } from '../../functions/shared/middleware/types';
import { apiEvent, lambdaContext } from '../handlers/api-event';

function failed(error: Error): Request<ApiEvent, APIGatewayProxyResult, Error, Context> {
  return { event: apiEvent(), context: lambdaContext(), response: null, error, internal: {} };
}
const upstream = (service: 'volcengine' | 'ark', status: number, code: string) =>
  new UpstreamError({ service, code, status, message: code });

describe('refreshCredentialsOnAuthError middleware', () => {
  it.each([
    ['volcengine', 401, 'SignatureDoesNotMatch'],
    ['volcengine', 401, 'InvalidAccessKey'],
    ['ark', 401, 'AuthenticationError'],
  ] as const)('clears the cached secret on %s %i %s', async (service, status, code) => {
    // Prepare
    const clear = vi.fn();
    // Act
    await refreshCredentialsOnAuthError(clear).onError?.(failed(upstream(service, status, code)));
    // Assess
    expect(clear).toHaveBeenCalledOnce();
  });

  it('keeps the cache on other errors and leaves the response to others', async () => {
    // Prepare
    const clear = vi.fn();
    const reqs = [
      failed(upstream('volcengine', 403, 'AccessDenied')),
      failed(upstream('volcengine', 429, 'FlowLimitExceeded')),
      failed(new ApiError('ValidationError', 'bad')),
    ];
    // Act
    for (const r of reqs) await refreshCredentialsOnAuthError(clear).onError?.(r);
    // Assess
    expect(clear).not.toHaveBeenCalled();
    expect(reqs.every((r) => r.response === null)).toBe(true);
  });

  it('isCredentialRejection is false for non-upstream errors', () => {
    // Prepare
    const e = new Error('SignatureDoesNotMatch');
    // Act
    const out = isCredentialRejection(e);
    // Assess
    expect(out).toBe(false);
  });
});
