/**
 * Turns a Node HTTP request into the API Gateway REST (v1) proxy event the handlers get in AWS, and
 * matches it against the route table. Hand-written because the only libraries that do this are whole
 * emulators (serverless-offline, SAM local) that need their own config or Docker.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../../lib/routes';
import { LOCAL_ACCOUNT } from '../sfn/runner';

export interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
}

/**
 * True when the path or the query string holds a `%` not followed by two hex digits, or escapes that
 * do not decode to UTF-8 (`%E0%A4%A`): nothing downstream can decode them, so they are a bad request.
 */
export function hasMalformedEncoding(path: string, rawQuery: string): boolean {
  const parts = [...path.split('/'), ...rawQuery.split(/[&=]/).map((p) => p.replace(/\+/g, ' '))];
  for (const part of parts) {
    try {
      decodeURIComponent(part);
    } catch {
      return true;
    }
  }
  return false;
}

export function compileRoutes(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const params: string[] = [];
    const source = route.path
      .split('/')
      .map((seg) => {
        const p = /^\{(\w+)\}$/.exec(seg);
        if (!p?.[1]) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        params.push(p[1]);
        return '([^/]+)';
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}/?$`), params };
  });
}

export type RouteMatch =
  | { kind: 'found'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export function matchRoute(compiled: CompiledRoute[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allowed.push(c.route.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    c.params.forEach((name, i) => (pathParameters[name] = decodeURIComponent(m[i + 1] ?? '')));
    return { kind: 'found', route: c.route, pathParameters };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}

/** Header names as the client sent them (API Gateway keeps the case); the last value wins in `headers`. */
function headerMaps(req: IncomingMessage) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

function queryMaps(rawQuery: string) {
  const params = new URLSearchParams(rawQuery);
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of params) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return Object.keys(single).length > 0 ? { single, multi } : { single: null, multi: null };
}

export interface EventInput {
  req: IncomingMessage;
  route: Route;
  path: string;
  rawQuery: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  /** The signer's key; undefined on a public route (no authorizer, no identity). */
  accessKeyId: string | undefined;
  stage: string;
}

export function toProxyEvent(input: EventInput): APIGatewayProxyEvent {
  const { req, route } = input;
  const headers = headerMaps(req);
  const query = queryMaps(input.rawQuery);
  const now = new Date();
  const requestId = randomUUID();
  const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  const hasParams = Object.keys(input.pathParameters).length > 0;
  return {
    resource: route.path,
    path: input.path,
    httpMethod: route.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: hasParams ? input.pathParameters : null,
    stageVariables: null,
    body: input.body.length > 0 ? input.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: route.method,
      path: `/${input.stage}${input.path}`,
      stage: input.stage,
      requestId,
      extendedRequestId: requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: route.name,
      resourcePath: route.path,
      domainName: req.headers.host ?? 'localhost',
      identity: {
        accessKey: input.accessKeyId ?? null,
        accountId: LOCAL_ACCOUNT,
        apiKey: null,
        apiKeyId: null,
        caller: input.accessKeyId ?? null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: input.accessKeyId ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: input.accessKeyId ? `arn:aws:iam::${LOCAL_ACCOUNT}:user/local-dev` : null,
      },
    },
  };
}
