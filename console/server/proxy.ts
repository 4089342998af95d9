/**
 * The console's API proxy: the page calls `/console/api/<route>` on its own origin and this module
 * forwards the call to the REST API, signed here with SigV4. The same module serves both modes — the
 * local stack (dev credentials) and `seedance console` for a deployed stack (the caller's AWS credential
 * chain) — so credentials stay in this process and never reach the browser.
 *
 * A local server that signs whatever it is sent would sign for any web page the user visits, so a call
 * is forwarded only when it provably comes from the console's own page: a loopback Host (no DNS
 * rebinding), no cross-site Origin / Sec-Fetch-Site, and the `x-seedance-console` header, which a
 * cross-origin page cannot add without a CORS preflight that this server never grants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSigner } from '../../cli/signing';

export const CONSOLE_HEADER = 'x-seedance-console';

export interface ProxyOptions {
  /** The REST API base URL (a function when it is known only after the API listens). */
  apiUrl: string | (() => string);
  signer: RequestSigner;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Request headers the page may send on to the API; everything else (cookies, any auth) stays behind. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'idempotency-key'];
/** Answer headers the page needs: errors, throttling, request IDs. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'x-amzn-requestid', 'x-amzn-errortype'];
const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { error: { code, message } }, { 'x-amzn-errortype': code });

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Why a request may not be signed, or undefined when it comes from the console's own page. */
export function whyRefused(req: IncomingMessage): string | undefined {
  const host = header(req, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(hostname)) return 'the console answers only on a loopback address';
  const origin = header(req, 'origin');
  if (origin !== undefined && origin !== `http://${host}`) return 'cross-origin calls are not forwarded';
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return 'cross-site calls are not forwarded';
  if (header(req, CONSOLE_HEADER) !== '1') return `calls must come from the console page (${CONSOLE_HEADER})`;
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Forwards one `/console/api/...` call (`apiPath` is the part after `/console/api`, query included). */
export async function forwardToApi(
  opts: ProxyOptions,
  req: IncomingMessage,
  res: ServerResponse,
  apiPath: string,
): Promise<void> {
  const refused = whyRefused(req);
  if (refused) return refuse(res, 403, 'AccessDenied', `Not forwarded: ${refused}`);
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE')
    return refuse(res, 405, 'MethodNotAllowed', `${method} is not forwarded`);
  const raw = await readBody(req);
  if (raw === undefined) return refuse(res, 413, 'PayloadTooLarge', 'The request body exceeds 1 MB');

  const apiUrl = typeof opts.apiUrl === 'function' ? opts.apiUrl() : opts.apiUrl;
  const base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  // Resolved against the API base, which may carry a stage path (`/prod/`); a path that resolves
  // outside it (`..`) is refused rather than signed.
  const target = new URL(apiPath.replace(/^\/+/, ''), base);
  if (target.origin !== base.origin || !target.pathname.startsWith(base.pathname))
    return refuse(res, 400, 'ValidationError', 'The API path is not valid');

  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = header(req, name);
    if (v !== undefined) headers[name] = v;
  }
  const body = raw.length > 0 ? raw.toString('utf8') : undefined;
  let signed: Record<string, string>;
  try {
    signed = await opts.signer({ method, url: target, headers, body });
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    return refuse(
      res,
      503,
      typeof code === 'string' ? code : 'NoCredentials',
      e instanceof Error ? e.message : 'No credentials to sign with',
    );
  }

  let answer: Response;
  try {
    answer = await (opts.fetch ?? fetch)(target, {
      method,
      headers: signed,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return refuse(
      res,
      timeout ? 504 : 502,
      timeout ? 'Timeout' : 'ConnectionFailed',
      `${timeout ? 'No answer from' : 'Could not reach'} the API at ${base.origin}`,
    );
  }
  const out = Buffer.from(await answer.arrayBuffer());
  const outHeaders: Record<string, string> = {
    'cache-control': 'no-store',
    'content-length': String(out.length),
  };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const v = answer.headers.get(name);
    if (v !== null) outHeaders[name] = v;
  }
  res.writeHead(answer.status, outHeaders);
  res.end(out);
}

/**
 * Whether the API has a route, asked server side so the page never logs a failed request for a
 * feature that is not deployed: API Gateway (and the local API) answer an unknown route with 403
 * MissingAuthenticationToken, signed or not; a known one answers anything else (here a 400 or 404 for
 * the made-up ID). Undefined when the API could not be asked.
 */
export async function routeExists(
  opts: ProxyOptions,
  method: 'GET',
  apiPath: string,
): Promise<boolean | undefined> {
  const apiUrl = typeof opts.apiUrl === 'function' ? opts.apiUrl() : opts.apiUrl;
  const url = new URL(apiPath.replace(/^\/+/, ''), apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  try {
    const headers = await opts.signer({ method, url, headers: { accept: 'application/json' } });
    const res = await (opts.fetch ?? fetch)(url, { method, headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 403) return true;
    const type = res.headers.get('x-amzn-errortype') ?? '';
    return !(type.startsWith('MissingAuthenticationToken') || text.includes('Missing Authentication Token'));
  } catch {
    return undefined;
  }
}
