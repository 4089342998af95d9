/**
 * The event the API middlewares pass along: API Gateway's proxy event plus what they parsed, so the
 * handler sees one object (middy's way: middlewares enrich the event, the handler reads it).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';

export interface ApiEvent extends APIGatewayProxyEvent {
  /** Set by jsonBody: the parsed JSON body, `undefined` when there was none. */
  jsonBody?: unknown;
  /** Set by validateRequest: the zod outputs. */
  validated?: {
    body: unknown;
    query: unknown;
    path: Record<string, unknown>;
    headers: Record<string, unknown>;
  };
}

export type ApiMiddleware = MiddlewareObj<ApiEvent, APIGatewayProxyResult, Error, Context>;
