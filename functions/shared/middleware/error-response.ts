/**
 * Turns any thrown error into the API's `{"error":{code,message,details?}}` answer: ApiError keeps its
 * status, UpstreamError goes through apiErrorFromUpstream (502/503/504 when it is the upstream's fault),
 * anything else is a 500 `InternalError` with no stack and no message from inside. Every string is
 * redacted, so a URL or token that slipped into a message never reaches the caller.
 */
import { ApiError, apiErrorFromUpstream, isUpstreamError } from '../../core/errors';
import { redact } from '../../core/redact';
import type { Logger } from '../logger';
import type { ApiMiddleware } from './types';

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isUpstreamError(e)) return apiErrorFromUpstream(e);
  return new ApiError(500, 'InternalError', 'Internal error');
}

export function errorBody(e: ApiError): string {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.details !== undefined) error.details = e.details;
  return JSON.stringify(redact({ error }));
}

export function errorResponse(log: Logger): ApiMiddleware {
  return {
    name: 'errorResponse',
    onError: (request) => {
      const e = request.error;
      const apiError = toApiError(e);
      if (apiError.status >= 500) log.error('request failed', { error: e, errorCode: apiError.code });
      else if (isUpstreamError(e)) log.warn('upstream rejected the request', { error: e });
      request.response = {
        statusCode: apiError.status,
        headers: { 'content-type': 'application/json', ...(apiError.headers ?? {}) },
        body: errorBody(apiError),
      };
    },
  };
}
