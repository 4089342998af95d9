/**
 * The one way an API Gateway handler is written: `apiHandler({name, body, query}, fn)`. Middy runs the
 * small middlewares under ./middleware (request log, error envelope, credential refresh, JSON body,
 * zod validation); `fn` gets a typed request and returns `{status, body?, headers?}`.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { clearCredentialsCache } from './credentials';
import { logger as defaultLogger, type Logger } from './logger';
import { errorResponse } from './middleware/error-response';
import { jsonBody } from './middleware/json-body';
import { refreshCredentialsOnAuthError } from './middleware/refresh-credentials';
import { requestLog } from './middleware/request-log';
import type { ApiEvent } from './middleware/types';
import { validateRequest } from './middleware/validate-request';

type PathParams = Record<string, string>;

export interface ApiRequest<B = undefined, Q = undefined, P extends PathParams = PathParams> {
  body: B;
  query: Q;
  /** Path parameters; typed by the `path` schema when one is given. */
  path: P;
  /** Lower-case header names. */
  headers: Record<string, string>;
  requestId: string;
  event: APIGatewayProxyEvent;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A body sent as is (an HTML page), with its own content-type header; replaces `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiHandlerOptions<B, Q, P extends PathParams = PathParams> {
  /** Route name from lib/routes.ts, written on every log line. */
  name: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Checks path parameters (IDs) before any upstream call; failures answer 400 ValidationError. */
  path?: z.ZodType<P>;
  /** Defaults to the process logger; tests pass their own. */
  logger?: Logger;
}

export type ApiLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

function lowerCaseHeaders(h: APIGatewayProxyEvent['headers'] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

export function toProxyResult(res: ApiResponse): APIGatewayProxyResult {
  if (res.rawBody !== undefined)
    return { statusCode: res.status, headers: { ...(res.headers ?? {}) }, body: res.rawBody };
  const hasBody = res.body !== undefined && res.status !== 204;
  return {
    statusCode: res.status,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(res.headers ?? {}) },
    body: hasBody ? JSON.stringify(res.body) : '',
  };
}

/**
 * Base URL of this API as callers reach it: PUBLIC_API_URL when set (a custom domain), else the
 * invoked stage URL (`https://{domain}/{stage}`); the local API serves its routes without a stage prefix.
 */
export function publicApiBase(event: APIGatewayProxyEvent, configured: string | undefined): string {
  if (configured) return configured;
  const ctx = event.requestContext;
  const host = ctx?.domainName ?? event.headers?.Host ?? event.headers?.host ?? 'localhost';
  if (ctx?.stage === 'local') return `http://${host}`;
  return `https://${host}/${ctx?.stage ?? ''}`.replace(/\/+$/, '');
}

export function apiHandler<B = undefined, Q = undefined, P extends PathParams = PathParams>(
  opts: ApiHandlerOptions<B, Q, P>,
  fn: (req: ApiRequest<B, Q, P>) => Promise<ApiResponse>,
): ApiLambda {
  const log = opts.logger ?? defaultLogger;
  const core = async (event: ApiEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const v = event.validated;
    const res = await fn({
      body: v?.body as B,
      query: v?.query as Q,
      path: (v?.path ?? {}) as P,
      headers: lowerCaseHeaders(event.headers),
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      event,
    });
    return toProxyResult(res);
  };
  const schemas = {
    ...(opts.body ? { body: opts.body } : {}),
    ...(opts.query ? { query: opts.query } : {}),
    ...(opts.path ? { path: opts.path } : {}),
  };
  // onError runs in reverse order of use(): errorResponse shapes the answer, then requestLog logs it.
  // A route without a body schema ignores whatever body it is sent, malformed or not.
  const handler = middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestLog(log, opts.name))
    .use(errorResponse(log))
    .use(refreshCredentialsOnAuthError(clearCredentialsCache))
    .use(opts.body ? [jsonBody(), validateRequest(schemas)] : [validateRequest(schemas)])
    .handler(core);
  return (event, context) => handler(event as ApiEvent, context);
}
