/**
 * The one way an API Gateway handler is written: `apiHandler(<area>Routes.<name>, fn)`. The route row
 * (lib/routes.ts, written by area in lib/route-rows/) says what to check and what to answer: Middy
 * runs the small middlewares under ./middleware (request log, error envelope, credential refresh, JSON
 * body, zod validation of the row's path, query, header and body schemas); `fn` gets the typed, parsed
 * request and returns `{body?, headers?, status?}`, the status defaulting to the row's success status.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { core } from 'zod/mini';
import { errorCodesOf, type Route, type RouteRequest } from '../../lib/route-rows/row';
import { refreshCredentials } from './credential-refresh';
import { logger as defaultLogger, type Logger } from './logger';
import { errorResponse } from './middleware/error-response';
import { jsonBody } from './middleware/json-body';
import { refreshCredentialsOnAuthError } from './middleware/refresh-credentials';
import { requestLog } from './middleware/request-log';
import type { ApiEvent } from './middleware/types';
import { lowerCaseHeaders, validateRequest } from './middleware/validate-request';

/** What the handler factory reads from a route row (tests pass rows of their own). */
export type RouteRow = Pick<Route, 'name' | 'access' | 'errors' | 'status'> & { request?: RouteRequest };

type Parsed<R, K extends keyof RouteRequest, Else> = R extends { request: infer Q }
  ? Q extends { [P in K]: infer S }
    ? S extends core.$ZodType
      ? core.output<S>
      : Else
    : Else
  : Else;

export interface ApiRequest<R = RouteRow> {
  body: Parsed<R, 'body', undefined>;
  query: Parsed<R, 'query', undefined>;
  /** Path parameters as the row's `path` schema parsed them. */
  path: Parsed<R, 'path', Record<string, string>>;
  /** Lower-case header names; those the row's `headers` schema reads, as it parsed them. */
  headers: Record<string, string> & Parsed<R, 'headers', unknown>;
  requestId: string;
  event: APIGatewayProxyEvent;
}

export interface ApiResponse {
  /** Defaults to the route's success status. */
  status?: number;
  body?: unknown;
  /** A body sent as is (an HTML page), with its own content-type header; replaces `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiHandlerOptions {
  /** Defaults to the process logger; tests pass their own. */
  logger?: Logger;
}

export type ApiLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function toProxyResult(res: ApiResponse & { status: number }): APIGatewayProxyResult {
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

export function apiHandler<R extends RouteRow>(
  route: R,
  fn: (req: ApiRequest<R>) => Promise<ApiResponse>,
  opts: ApiHandlerOptions = {},
): ApiLambda {
  const log = opts.logger ?? defaultLogger;
  const schemas = route.request ?? {};
  const core = async (event: ApiEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const v = event.validated;
    const res = await fn({
      body: v?.body,
      query: v?.query,
      path: v?.path ?? {},
      headers: { ...lowerCaseHeaders(event.headers), ...(v?.headers ?? {}) },
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      event,
    } as ApiRequest<R>);
    return toProxyResult({ ...res, status: res.status ?? route.status });
  };
  // onError runs in reverse order of use(): errorResponse shapes the answer, then requestLog logs it.
  // A route without a body schema ignores whatever body it is sent, malformed or not.
  const handler = middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestLog(log, route.name))
    .use(errorResponse(log, errorCodesOf(route)))
    .use(refreshCredentialsOnAuthError(refreshCredentials))
    .use(schemas.body ? [jsonBody(), validateRequest(schemas)] : [validateRequest(schemas)])
    .handler(core);
  return (event, context) => handler(event as ApiEvent, context);
}
