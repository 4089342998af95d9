/**
 * The one HTTP call both upstream clients make: platform fetch with a per-call timeout, the body read as
 * text and parsed as JSON, and every way a call can fail without an upstream error envelope turned into
 * an UpstreamError (status 0 `NetworkError` / `Timeout`; `MalformedResponse` for a 2xx that is not JSON;
 * `UnexpectedResponse` for an error status with a non-JSON body such as a gateway's HTML 502 page).
 * Messages name the operation and a low-level cause code only — never URLs, headers or body text.
 */
import { UpstreamError, type UpstreamService } from './errors';
import { redactString } from './redact';

export type FetchFn = typeof fetch;

export interface HttpCall {
  service: UpstreamService;
  operation: string;
  url: string;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch?: FetchFn;
}

export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** Parsed JSON; undefined for an empty body. */
  json: unknown;
  /** Set when the body was not empty and not JSON (the caller decides whether that is an error). */
  notJson: boolean;
  contentType: string;
}

/** Request IDs as the two services send them in headers (the body's RequestId wins when present). */
export function requestIdFromHeaders(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('x-tt-logid') ?? undefined;
}

function lowLevelCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeout(e: unknown): boolean {
  const name = e && typeof e === 'object' ? (e as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || lowLevelCode(e) === 'UND_ERR_HEADERS_TIMEOUT';
}

function transportError(call: HttpCall, e: unknown, phase: 'request' | 'body'): UpstreamError {
  if (isTimeout(e))
    return new UpstreamError({
      service: call.service,
      code: 'Timeout',
      status: 0,
      operation: call.operation,
      message: `${call.operation} got no ${phase === 'body' ? 'complete body' : 'answer'} within ${call.timeoutMs} ms`,
    });
  const low = lowLevelCode(e);
  return new UpstreamError({
    service: call.service,
    code: 'NetworkError',
    status: 0,
    operation: call.operation,
    message: `${call.operation} failed on the network${low ? ` (${low})` : ''}`,
  });
}

export async function httpJson(call: HttpCall): Promise<HttpAnswer> {
  const doFetch = call.fetch ?? fetch;
  const signal = AbortSignal.timeout(call.timeoutMs);
  let res: Response;
  try {
    res = await doFetch(call.url, { method: call.method, headers: call.headers, body: call.body, signal });
  } catch (e) {
    throw transportError(call, e, 'request');
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw transportError(call, e, 'body');
  }
  const contentType = res.headers.get('content-type') ?? '';
  let json: unknown = undefined;
  let notJson = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      notJson = true;
    }
  }
  return { status: res.status, ok: res.ok, headers: res.headers, json, notJson, contentType };
}

/** For a 2xx whose body is not what the operation returns. */
export function malformed(
  call: Pick<HttpCall, 'service' | 'operation'>,
  answer: Pick<HttpAnswer, 'status' | 'headers'>,
  what: string,
): UpstreamError {
  return new UpstreamError({
    service: call.service,
    code: 'MalformedResponse',
    status: answer.status,
    operation: call.operation,
    requestId: requestIdFromHeaders(answer.headers),
    message: `${call.operation} answered HTTP ${answer.status} with ${what}`,
  });
}

/** For an error status without the service's error envelope (gateway HTML pages, proxies). */
export function unexpected(
  call: Pick<HttpCall, 'service' | 'operation'>,
  answer: Pick<HttpAnswer, 'status' | 'headers' | 'contentType'>,
): UpstreamError {
  const type = answer.contentType.split(';')[0]?.trim() || 'no content type';
  return new UpstreamError({
    service: call.service,
    code: 'UnexpectedResponse',
    status: answer.status,
    operation: call.operation,
    requestId: requestIdFromHeaders(answer.headers),
    message: `${call.operation} answered HTTP ${answer.status} without an error envelope (${type})`,
  });
}

/**
 * Upstream messages are echoed to callers, and an auth failure may quote what it received: mask the
 * usual patterns plus the exact values this call used (secret key, token, signature).
 */
export function scrubMessage(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = redactString(message);
  for (const s of secrets) if (s && s.length >= 4 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
