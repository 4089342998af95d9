/**
 * Server-side check of the Volcengine "HMAC-SHA256" request signature, written from UPSTREAM.md §1 and the
 * seed page, deliberately NOT sharing code with functions/core/volcengine/signer.ts: a bug copied into both
 * sides would pass every test. The canonical request is rebuilt from what arrived on the wire — the
 * client's own SignedHeaders, the raw query and the raw body — so any header, query or body tampering, a
 * wrong or base64-decoded SK, or a wrong scope gives SignatureDoesNotMatch.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SimVolcError, volcError } from './errors';

export interface SignedRequest {
  method: string;
  /** Path as received, e.g. `/`. */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifierSettings {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, X-Security-Token must equal it. */
  sessionToken?: string;
  region: string;
  service: string;
  maxClockSkewSeconds: number;
}

const AUTH_RE =
  /^HMAC-SHA256\s+Credential=([^/,\s]+)\/([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;
const X_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding with only `-_.~` left bare, as the seed's `quote(v, safe='-_.~')`. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Decodes whatever encoding the client used, then re-encodes canonically and sorts by name, then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const k = eq < 0 ? p : p.slice(0, eq);
      const v = eq < 0 ? '' : p.slice(eq + 1);
      return [rfc3986(decodeComponent(k)), rfc3986(decodeComponent(v))] as const;
    });
  pairs.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ');
}

/** Parses X-Date as UTC; undefined when malformed. */
export function parseXDate(xDate: string): number | undefined {
  const m = X_DATE_RE.exec(xDate);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Throws the SimVolcError the real gateway would answer with; returns when the request is authentic.
 * The order of checks follows what a client can fix first: presence, format, clock, key, signature.
 */
export function verifySignature(req: SignedRequest, s: VerifierSettings, now: number): void {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined || authorization === '') throw volcError('MissingAuthenticationToken');
  if (!authorization.startsWith('HMAC-SHA256')) throw volcError('InvalidAuthorization');
  if (!/Signature=/.test(authorization)) throw volcError('MissingSignature');
  const m = AUTH_RE.exec(authorization);
  if (!m) throw volcError('InvalidAuthorization');
  const [, accessKeyId, scope, signedHeaderList, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const scopeParts = scope.split('/');
  if (scopeParts.length !== 4 || !/^\d{8}$/.test(scopeParts[0] ?? '')) throw volcError('InvalidCredential');

  const xDate = headerValue(req.headers, 'x-date');
  if (xDate === undefined || xDate === '') throw volcError('MissingRequestInfo', 'X-Date');
  const signedAt = parseXDate(xDate);
  if (signedAt === undefined) throw volcError('InvalidTimestamp');
  if (Math.abs(now - signedAt) > s.maxClockSkewSeconds * 1000) throw volcError('InvalidTimestamp');

  if (accessKeyId !== s.accessKeyId) throw volcError('InvalidAccessKey');

  const signedHeaders = signedHeaderList.split(';');
  const mismatch = (why: string) =>
    new SimVolcError('SignatureDoesNotMatch', `${volcError('SignatureDoesNotMatch').message} (${why})`);
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-date'))
    throw mismatch('SignedHeaders must include host and x-date');
  if (
    signedHeaders.some((h, i) => h !== h.toLowerCase() || (i > 0 && cmp(signedHeaders[i - 1] ?? '', h) >= 0))
  )
    throw mismatch('SignedHeaders must be lower-case and sorted');

  // The server derives the scope from its own date, region and service: a client using another region,
  // service or day produces a different key, as upstream.
  const shortDate = xDate.slice(0, 8);
  const serverScope = `${shortDate}/${s.region}/${s.service}/request`;
  const bodyHash = sha256Hex(req.body);
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValue(req.headers, h) ?? ''}\n`).join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    req.path === '' ? '/' : req.path,
    canonicalQuery(req.rawQuery),
    canonicalHeaders,
    signedHeaderList,
    bodyHash,
  ].join('\n');
  const stringToSign = ['HMAC-SHA256', xDate, serverScope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(Buffer.from(s.secretAccessKey, 'utf8'), shortDate);
  const kSigning = hmac(hmac(hmac(kDate, s.region), s.service), 'request');
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature.toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw mismatch('signature');

  const declaredHash = headerValue(req.headers, 'x-content-sha256');
  if (declaredHash !== undefined && declaredHash.toLowerCase() !== bodyHash)
    throw mismatch('X-Content-Sha256');

  const token = headerValue(req.headers, 'x-security-token');
  if (token !== undefined && !signedHeaders.includes('x-security-token'))
    throw volcError('InvalidSecretToken', 'X-Security-Token must be signed');
  if (s.sessionToken !== undefined && token !== s.sessionToken)
    throw volcError('InvalidSecretToken', token === undefined ? 'missing X-Security-Token' : 'unknown token');
}
