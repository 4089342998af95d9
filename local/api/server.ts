/**
 * The local REST API: an HTTP server built from lib/routes.ts that checks SigV4 like API Gateway's
 * IAM authorization, turns each request into the REST proxy event, and calls the same handler module
 * the route's Lambda runs in AWS. Errors it answers itself use our contract's `{"error":{code,message}}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_HANDLER_TIMEOUT_SECONDS, routeAuth, routes as allRoutes, type Route } from '../../lib/routes';
import { listen, type RunningServer } from '../sfn/aws-json';
import { importHandler, lambdaContext } from '../sfn/runner';
import { compileRoutes, hasMalformedEncoding, matchRoute, toProxyEvent } from './proxy-event';
import { verifySigV4, type DevCredentials } from './sigv4';
import { logger } from '../../functions/shared/logger';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalApiOptions {
  credentials: DevCredentials;
  host?: string;
  port?: number;
  routes?: readonly Route[];
  /** Replaces the dynamic import of `route.handler` (tests). */
  handlers?: Partial<Record<string, ApiHandler>>;
  region?: string;
  /** One line per request (method, path, route, status, ms): never headers or bodies. */
  log?: (entry: Record<string, unknown>) => void;
  /** Answers paths outside the REST API (the console at /console) before the route table; true when it did. */
  extraHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': code,
    ...extra,
  });
  res.end(body);
}

function sendResult(res: ServerResponse, result: APIGatewayProxyResult, requestId: string) {
  const headers: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {}))
    headers[k.toLowerCase()] = v.map(String);
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64')
    : Buffer.from(result.body ?? '');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

export async function startLocalApi(opts: LocalApiOptions): Promise<RunningServer> {
  const compiled = compileRoutes(opts.routes ?? allRoutes);
  const log = opts.log ?? (() => undefined);

  async function handlerFor(route: Route): Promise<ApiHandler> {
    return opts.handlers?.[route.name] ?? ((await importHandler(route.handler)) as ApiHandler);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown>> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const entry: Record<string, unknown> = { method, path };
    if (opts.extraHandler && (await opts.extraHandler(req, res))) return { ...entry, status: res.statusCode };

    // Before anything decodes them (route parameters, the SigV4 canonical query, the handlers): a
    // client error, never a 500, signed or not.
    if (hasMalformedEncoding(path, rawQuery)) {
      sendError(res, 400, 'ValidationError', 'The request URL contains malformed percent-encoding');
      return { ...entry, status: 400, malformed: true };
    }

    const match = matchRoute(compiled, method, path);
    if (match.kind !== 'found') {
      // As the deployed REST API does (its MISSING_AUTHENTICATION_TOKEN gateway response): an unknown
      // path or method is a 403, signed or not, so a client sees the same answer in both places.
      sendError(res, 403, 'MissingAuthenticationToken', 'Missing Authentication Token');
      return { ...entry, status: 403, unmatched: match.kind };
    }
    entry.route = match.route.name;

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      sendError(res, 413, 'PayloadTooLarge', 'The request body exceeds 10 MB');
      return { ...entry, status: 413 };
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    // A public route (`auth: 'none'`, upstream's callback) has no authorizer, as deployed.
    const auth =
      routeAuth(match.route) === 'none'
        ? { ok: true as const, accessKeyId: undefined }
        : await verifySigV4({ method, path, rawQuery, headers, body }, opts.credentials, {
            region: opts.region ?? 'us-east-1',
            hosts: ownHosts(),
          });
    if (!auth.ok) {
      sendError(res, 403, auth.code, auth.message);
      return { ...entry, status: 403, auth: auth.code };
    }

    const event = toProxyEvent({
      req,
      route: match.route,
      path,
      rawQuery,
      pathParameters: match.pathParameters,
      body,
      accessKeyId: auth.accessKeyId,
      stage: 'local',
    });
    const requestId = event.requestContext.requestId;
    entry.requestId = requestId;
    const fnName = match.route.handler.replace(/^.*\//, '').replace(/\.ts$/, '');
    let result: APIGatewayProxyResult;
    try {
      const handler = await handlerFor(match.route);
      result = await logger.isolate(() => handler(event, lambdaContext(fnName, API_HANDLER_TIMEOUT_SECONDS)));
    } catch (e) {
      // As API Gateway does when the Lambda fails (or its module does not load): no detail to the client.
      entry.handlerError = e instanceof Error ? e.name : 'Error';
      sendError(res, 502, 'InternalError', 'Internal server error');
      return { ...entry, status: 502 };
    }
    sendResult(res, result, requestId);
    return { ...entry, status: result.statusCode };
  }

  /** The names a client may use for this server: its address, and the loopback aliases of it. */
  const ownHosts = (): string[] => {
    const port = (server.address() as AddressInfo | null)?.port ?? 0;
    const host = opts.host ?? '127.0.0.1';
    const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
    const names = loopback ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
    return names.flatMap((n) => (port === 80 ? [n, `${n}:80`] : [`${n}:${port}`]));
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .then((entry) => log({ ...entry, ms: Math.round(performance.now() - started) }))
      .catch((e: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'InternalError', 'Internal server error');
        else res.destroy();
        log({
          method: req.method,
          path: req.url?.split('?')[0],
          status: 500,
          error: e instanceof Error ? e.name : 'Error',
        });
      });
  });
  return listen(server, opts.host ?? '127.0.0.1', opts.port ?? 0);
}
