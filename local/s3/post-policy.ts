/**
 * Checks a browser-form upload (S3 POST with a SigV4 policy) the way S3 does, for the local S3 front:
 * the policy's signature (the SigV4 signing key over the base64 policy), its expiry, every condition
 * (exact match, `starts-with`, `content-length-range`) and that no form field escapes the policy.
 * Refusals carry the code, status and message S3 answers with, so a client that works locally meets
 * the same errors in AWS. Field names are case-insensitive, as in S3.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PostCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PostForm {
  /** The bucket of the request URL (path style). */
  bucket: string;
  /** Form fields other than the file, names as sent. */
  fields: [string, string][];
  /** Size of the file part in bytes, or undefined when the form has none. */
  fileSize: number | undefined;
}

export interface PostRefusal {
  status: number;
  code: string;
  message: string;
  /** Extra elements of S3's XML error (ProposedSize, MaxSizeAllowed...). */
  extra?: Record<string, string>;
}

export type PostCheck = { ok: true; key: string } | { ok: false; refusal: PostRefusal };

const refuse = (
  status: number,
  code: string,
  message: string,
  extra?: Record<string, string>,
): PostCheck => ({
  ok: false,
  refusal: { status, code, message, ...(extra ? { extra } : {}) },
});
const denied = (why: string) => refuse(403, 'AccessDenied', `Invalid according to Policy: ${why}`);
const invalidPolicy = (why: string) => refuse(400, 'InvalidPolicyDocument', `Invalid Policy: ${why}`);

/** Fields S3 never asks a condition for. */
const UNCOVERED = (name: string) =>
  name === 'policy' || name === 'x-amz-signature' || name === 'file' || name.startsWith('x-ignore-');

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

export function postPolicySignature(secret: string, date: string, region: string, policy: string): string {
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  return hmac(key, policy).toString('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** `["eq", "$key", "v"]` as S3 prints a failed condition. */
const show = (parts: unknown[]) => `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;

interface Policy {
  expiration?: unknown;
  conditions?: unknown;
}

function parsePolicy(b64: string): Policy | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Policy)
      : undefined;
  } catch {
    return undefined;
  }
}

export function checkPostPolicy(
  form: PostForm,
  credentials: readonly PostCredentials[],
  now = new Date(),
): PostCheck {
  const fields = new Map<string, string>();
  for (const [name, value] of form.fields)
    if (!fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), value);
  const policyB64 = fields.get('policy');
  if (policyB64 === undefined) return refuse(403, 'AccessDenied', 'Access Denied');
  if (form.fileSize === undefined)
    return refuse(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');

  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    return refuse(400, 'InvalidArgument', 'Only AWS4-HMAC-SHA256 POST policies are supported locally.');
  const [accessKeyId = '', date = '', region = '', service, terminal] = (
    fields.get('x-amz-credential') ?? ''
  ).split('/');
  if (service !== 's3' || terminal !== 'aws4_request' || !/^\d{8}$/.test(date))
    return refuse(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Credential is not a valid SigV4 credential scope.',
    );
  const owner = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!owner)
    return refuse(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  const expected = postPolicySignature(owner.secretAccessKey, date, region, policyB64);
  if (!sameHex(fields.get('x-amz-signature') ?? '', expected))
    return refuse(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );

  const policy = parsePolicy(policyB64);
  if (!policy) return invalidPolicy('Invalid JSON.');
  if (typeof policy.expiration !== 'string') return invalidPolicy('Policy missing expiration.');
  const expires = Date.parse(policy.expiration);
  if (Number.isNaN(expires)) return invalidPolicy('Invalid Policy expiration.');
  if (expires < now.getTime()) return denied('Policy expired.');
  if (!Array.isArray(policy.conditions)) return invalidPolicy('Policy missing conditions.');

  // `bucket` is checked against the request, whether or not the form repeats it.
  const valueOf = (name: string) => (name === 'bucket' ? form.bucket : fields.get(name));
  const covered = new Set<string>();
  for (const c of policy.conditions as unknown[]) {
    let op: string;
    let name: string;
    let expectedValue: unknown;
    if (Array.isArray(c) && c[0] === 'content-length-range') {
      const [, min, max] = c as [string, unknown, unknown];
      if (typeof min !== 'number' || typeof max !== 'number')
        return invalidPolicy('Invalid content-length-range.');
      if (form.fileSize > max)
        return refuse(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          ProposedSize: String(form.fileSize),
          MaxSizeAllowed: String(max),
        });
      if (form.fileSize < min)
        return refuse(
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
          {
            ProposedSize: String(form.fileSize),
            MinSizeAllowed: String(min),
          },
        );
      continue;
    }
    if (Array.isArray(c) && c.length === 3 && typeof c[1] === 'string' && c[1].startsWith('$')) {
      [op, name, expectedValue] = [String(c[0]), c[1].slice(1).toLowerCase(), c[2]];
    } else if (c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 1) {
      const [[k, v]] = Object.entries(c as Record<string, unknown>) as [[string, unknown]];
      [op, name, expectedValue] = ['eq', k.toLowerCase(), v];
    } else return invalidPolicy(`Invalid condition ${JSON.stringify(c)}.`);
    if (typeof expectedValue !== 'string' || (op !== 'eq' && op !== 'starts-with'))
      return invalidPolicy(`Invalid condition ${JSON.stringify(c)}.`);
    covered.add(name);
    const actual = valueOf(name) ?? '';
    const holds = op === 'eq' ? actual === expectedValue : actual.startsWith(expectedValue);
    if (!holds) return denied(`Policy Condition failed: ${show([op, `$${name}`, expectedValue])}`);
  }
  const extra = [...fields.keys()].filter((n) => !UNCOVERED(n) && !covered.has(n));
  if (extra.length > 0) return denied(`Extra input fields: ${extra.join(', ')}`);
  const key = fields.get('key');
  if (key === undefined)
    return refuse(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.");
  return { ok: true, key };
}
