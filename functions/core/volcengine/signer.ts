/**
 * Volcengine OpenAPI request signing ("HMAC-SHA256", a SigV4 variant), hand-written on node:crypto
 * because the official `@volcengine/openapi` Signer drags axios, crypto-js and form-data into every
 * Lambda bundle, never signs content-type, and cannot be told which headers to sign. The SDK stays a
 * test oracle (test/unit/volcengine-signer.test.ts) so the two must agree byte for byte.
 */
import { createHash, createHmac } from 'node:crypto';
import type { VolcCredentials } from './types';

export const ALGORITHM = 'HMAC-SHA256';
export const DEFAULT_SIGNED_HEADERS = ['content-type', 'host', 'x-content-sha256', 'x-date'] as const;

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string>;

export interface SignRequestInput {
  method: string;
  /** Already URI-encoded path; `/` for every OpenAPI action. */
  path?: string;
  query: Readonly<Record<string, QueryValue>>;
  /** Must contain every signed header except x-date, x-content-sha256 and x-security-token (added here). */
  headers: Readonly<Record<string, string>>;
  body: string | Uint8Array;
  credentials: VolcCredentials;
  region: string;
  service: string;
  date?: Date;
  /**
   * Lower-case header names to sign; default `content-type;host;x-content-sha256;x-date`.
   * `x-security-token` is added whenever a session token is present.
   */
  signedHeaders?: readonly string[];
}

export interface SignedParts {
  /** The headers to send: the input headers plus X-Date, X-Content-Sha256, X-Security-Token?, Authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded from UTF-8. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `k=v` pairs sorted by name (array values repeat the name, values sorted), joined by `&`. */
export function canonicalQuery(query: Readonly<Record<string, QueryValue>>): string {
  return Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null)
    .sort()
    .map((k) => {
      const v = query[k];
      const key = uriEncode(k);
      if (Array.isArray(v))
        return v
          .map((x: string) => uriEncode(x))
          .sort()
          .map((x: string) => `${key}=${x}`)
          .join('&');
      return `${key}=${uriEncode(String(v))}`;
    })
    .join('&');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** kDate = HMAC(SK as raw UTF-8, YYYYMMDD) — never base64-decode the SK. */
export function signingKey(
  secretAccessKey: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmac(Buffer.from(secretAccessKey, 'utf8'), shortDate);
  return hmac(hmac(hmac(kDate, region), service), 'request');
}

const canonicalHeaderValue = (v: string): string => v.replace(/\s+/g, ' ').trim();

/** Full signing with every intermediate (for tests and for debugging a SignatureDoesNotMatch). */
export function signRequestParts(input: SignRequestInput): SignedParts {
  const xDate = formatXDate(input.date ?? new Date());
  const shortDate = xDate.slice(0, 8);
  const bodyHash = sha256Hex(input.body);
  const headers: Record<string, string> = { ...input.headers, 'X-Date': xDate, 'X-Content-Sha256': bodyHash };
  const { sessionToken } = input.credentials;
  if (sessionToken) headers['X-Security-Token'] = sessionToken;

  const byLowerName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) byLowerName.set(name.toLowerCase(), value);

  const wanted = new Set((input.signedHeaders ?? DEFAULT_SIGNED_HEADERS).map((h) => h.toLowerCase()));
  if (sessionToken) wanted.add('x-security-token');
  const signed = [...wanted].sort();
  const canonicalHeaders = signed
    .map((name) => {
      const value = byLowerName.get(name);
      if (value === undefined) throw new Error(`Header ${name} is to be signed but was not given`);
      return `${name}:${canonicalHeaderValue(value)}\n`;
    })
    .join('');
  const signedHeaders = signed.join(';');

  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path ?? '/',
    canonicalQuery(input.query),
    canonicalHeaders,
    signedHeaders,
    bodyHash,
  ].join('\n');
  const scope = `${shortDate}/${input.region}/${input.service}/request`;
  const stringToSign = [ALGORITHM, xDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac(
    'sha256',
    signingKey(input.credentials.secretAccessKey, shortDate, input.region, input.service),
  )
    .update(stringToSign)
    .digest('hex');

  headers.Authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}

/** Signs a request and returns the headers to send (input headers + X-Date, X-Content-Sha256, Authorization...). */
export function signRequest(input: SignRequestInput): Record<string, string> {
  return signRequestParts(input).headers;
}
