/**
 * Turns any thrown error into the API's `{"error":{code,message,details?}}` answer: ApiError keeps its
 * status, UpstreamError goes through apiErrorFromUpstream (502/503/504 when it is the upstream's fault),
 * anything else is a 500 `InternalError` with no stack and no message from inside. Every string is
 * redacted, so a URL or token that slipped into a message never reaches the caller.
 */
import { ApiError, apiErrorFromUpstream, isUpstreamError, type ApiErrorCode } from '../../core/errors';
import { redact } from '../../core/redact';
import type { Logger } from '../logger';
import type { ApiMiddleware } from './types';

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isUpstreamError(e)) return apiErrorFromUpstream(e);
  return new ApiError('InternalError');
}

export function errorBody(e: ApiError): string {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.details !== undefined) error.details = e.details;
  return JSON.stringify(redact({ error }));
}

/**
 * `declared` is what the route's row says it can answer (lib/routes.ts errorCodesOf): an answer outside
 * it still goes out, with a warning, because the OpenAPI document is then wrong and should be fixed.
 */
export function errorResponse(log: Logger, declared?: readonly ApiErrorCode[]): ApiMiddleware {
  const known = declared ? new Set<string>(declared) : undefined;
  return {
    name: 'errorResponse',
    onError: (request) => {
      const e = request.error;
      const apiError = toApiError(e);
      if (known && !known.has(apiError.code))
        log.warn('error code not declared on the route', { errorCode: apiError.code });
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
