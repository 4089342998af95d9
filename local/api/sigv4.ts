/**
 * SigV4 verification for the local API, the way API Gateway's IAM authorization checks a request:
 * parse the Authorization header, check key, scope and clock skew (15 minutes), then recompute the
 * signature over exactly the headers the client signed and compare. The recomputation is done by
 * `@smithy/signature-v4` (the SDK's own signer) so only the parsing and the checks are written here.
 * Query-string (presigned) signatures are not accepted: no client of this API uses them.
 * As strict as AWS where it matters for replay and confusion: every `x-amz-*` header the request
 * carries must be signed (an unsigned `X-Amz-Security-Token` or date could be swapped in transit), and
 * the signed `host` must name this server (a request signed for another endpoint is not ours).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface DevCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path as sent (still percent-encoded), without the query. */
  path: string;
  /** Raw query string without `?` (may be empty). */
  rawQuery: string;
  /** Lower-case names; repeated headers already joined. */
  headers: Record<string, string>;
  body: Buffer;
}

export type AuthFailure = { ok: false; code: string; message: string };
export type AuthResult = { ok: true; accessKeyId: string } | AuthFailure;

export interface VerifyOptions {
  region?: string;
  service?: string;
  /** Allowed distance between the request date and now (API Gateway: 15 minutes). */
  maxSkewMs?: number;
  now?: Date;
  /** `host[:port]` values that name this server; when given, the signed host must be one of them. */
  hosts?: readonly string[];
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

const fail = (code: string, message: string): AuthFailure => ({ ok: false, code, message });

function parseAmzDate(v: string | undefined): Date | undefined {
  const m = v ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!raw) return out;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, '%20'));
    const key = decode(i < 0 ? pair : pair.slice(0, i));
    const value = i < 0 ? '' : decode(pair.slice(i + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export async function verifySigV4(
  req: SignedRequest,
  credentials: DevCredentials,
  opts: VerifyOptions = {},
): Promise<AuthResult> {
  const region = opts.region ?? 'us-east-1';
  const service = opts.service ?? 'execute-api';
  const maxSkewMs = opts.maxSkewMs ?? 15 * 60 * 1000;
  const now = opts.now ?? new Date();

  const authorization = req.headers.authorization;
  if (!authorization) return fail('MissingAuthenticationToken', 'Missing Authentication Token');
  const m = AUTH_RE.exec(authorization.trim());
  if (!m)
    return fail('IncompleteSignature', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature');
  const [, accessKeyId, scopeDate, scopeRegion, scopeService, signedList, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const amzDate = req.headers['x-amz-date'];
  const date = parseAmzDate(amzDate);
  if (!date) return fail('IncompleteSignature', 'The request must carry a valid X-Amz-Date header');
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date'))
    return fail('IncompleteSignature', 'SignedHeaders must include host and x-amz-date');
  if (accessKeyId !== credentials.accessKeyId)
    return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  if (scopeRegion !== region || scopeService !== service || scopeDate !== amzDate?.slice(0, 8))
    return fail(
      'InvalidSignature',
      `Credential should be scoped to ${region}/${service} and the request date`,
    );
  if (Math.abs(now.getTime() - date.getTime()) > maxSkewMs)
    return fail(
      'InvalidSignature',
      `Signature expired: ${amzDate} is more than 15 minutes from the server time`,
    );

  const unsigned = Object.keys(req.headers).filter((h) => h.startsWith('x-amz-') && !signed.includes(h));
  if (unsigned.length > 0)
    return fail(
      'IncompleteSignature',
      `There were headers present in the request which were not signed: ${unsigned.sort().join(', ')}`,
    );
  if (opts.hosts && !opts.hosts.includes((req.headers.host ?? '').toLowerCase()))
    return fail('InvalidSignature', 'The signed Host header does not name this API');

  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = req.headers[name];
    if (v === undefined)
      return fail('IncompleteSignature', `Signed header ${name} is missing from the request`);
    headers[name] = v;
  }
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash)
    return fail('InvalidSignature', 'x-amz-content-sha256 does not match the request body');

  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256, applyChecksum: false });
  const recomputed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').replace(/:\d+$/, ''),
      path: req.path,
      query: parseQuery(req.rawQuery),
      headers,
      body: req.body.length > 0 ? req.body : undefined,
    },
    { signingDate: date, signableHeaders: new Set(signed) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization ?? ''))?.[1] ?? '';
  if (!sameHex(signature, expected))
    return fail(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  return { ok: true, accessKeyId };
}
