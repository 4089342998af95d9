/**
 * One JSON log line per request (route, method, status, duration, request ID) and the request ID in
 * the logger context for every line the handler writes. The answer carries `x-request-id` so a caller
 * can quote it. Query values and bodies are never logged.
 */
import type { Logger } from '../logger';
import type { ApiMiddleware } from './types';

export function requestLog(log: Logger, route: string, now: () => number = Date.now): ApiMiddleware {
  // Per request, not per closure: the local stack may run one handler module concurrently.
  const started = new WeakMap<object, { at: number; requestId: string }>();
  const finish: ApiMiddleware['after'] = (request) => {
    const res = request.response;
    const start = started.get(request);
    if (!res || !start) return;
    const { requestId } = start;
    res.headers = { ...(res.headers ?? {}), 'x-request-id': requestId };
    const status = res.statusCode;
    const fields: Record<string, unknown> = {
      route,
      method: request.event.httpMethod,
      resource: request.event.resource,
      status,
      durationMs: now() - start.at,
    };
    if (status >= 400) fields.errorCode = errorCodeOf(res.body);
    if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
  return {
    name: 'requestLog',
    before: (request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId ?? 'unknown';
      started.set(request, { at: now(), requestId });
      log.setContext({ requestId, route });
    },
    after: finish,
    onError: finish,
  };
}

function errorCodeOf(body: string | undefined): unknown {
  try {
    const parsed = JSON.parse(body ?? '') as { error?: { code?: unknown } };
    return parsed.error?.code;
  } catch {
    return undefined;
  }
}
