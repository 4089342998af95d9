/**
 * One webhook POST, the HTTP side of a delivery: the URL is checked by the SSRF guard
 * (functions/core/webhooks/ssrf.ts) right before the attempt, and the connection goes to the address
 * the guard checked (`lookup` pinned: no second DNS answer can swap it). No redirect is followed (a
 * 3xx is a failed attempt), the whole attempt has 15 s, and only the status and `Retry-After` are
 * read back: a receiver's body is never logged or stored.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { guardUrl, type GuardOptions, type ResolvedAddress } from '../core/webhooks/ssrf';

export const DELIVERY_TIMEOUT_MS = 15_000;

export type AttemptResult =
  | { kind: 'answered'; status: number; retryAfterSeconds?: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: 'timeout' | 'network' };

export async function systemResolver(host: string): Promise<ResolvedAddress[]> {
  const all = await lookup(host, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** `Retry-After` as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export async function postWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: GuardOptions & { resolve?: typeof systemResolver; timeoutMs?: number } = {},
): Promise<AttemptResult> {
  const verdict = await guardUrl(rawUrl, opts.resolve ?? systemResolver, opts);
  if (!verdict.ok) return { kind: 'refused', reason: verdict.reason };
  const { url, pinned } = verdict;
  const pinnedLookup: LookupFunction = (_host, options, cb) => {
    if (typeof options === 'object' && options.all)
      cb(null, [{ address: pinned.address, family: pinned.family }]);
    else cb(null, pinned.address, pinned.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return new Promise<AttemptResult>((done) => {
    let settled = false;
    const resolve = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(r);
    };
    // The whole attempt, not just socket idleness: a receiver trickling bytes still ends at 15 s.
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ kind: 'failed', reason: 'timeout' });
    }, timeoutMs);
    const req = send(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const retry = retryAfterSeconds(
          Array.isArray(res.headers['retry-after'])
            ? res.headers['retry-after'][0]
            : res.headers['retry-after'],
        );
        resolve({ kind: 'answered', status, ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) });
      },
    );
    req.on('error', () => resolve({ kind: 'failed', reason: 'network' }));
    req.end(body);
  });
}

/** The guard's options from the configuration: loopback and plain HTTP only where the local stack allows. */
export function webhookGuardOptions(config: { webhookAllowLoopback: boolean }): GuardOptions {
  return { allowLoopback: config.webhookAllowLoopback, allowHttp: config.webhookAllowLoopback };
}
