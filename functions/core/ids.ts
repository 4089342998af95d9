/**
 * Every ID format in one place: the IDs we mint (uploads, videos) with their parsers, and the shapes
 * of upstream's IDs that requests are checked against before any call goes upstream.
 *  - upload IDs: 26-character ULIDs (48-bit millisecond time + 80 random bits, Crockford base32);
 *    valid Step Functions execution names and S3 key parts.
 *  - video IDs: `vid-` + 26 lower-case base32 characters, the first 10 the creation time (random IDs)
 *    or a hash of the caller's Idempotency-Key and role (keyed IDs); valid execution names.
 *  - group and asset IDs: upstream's `group-…` / `asset-…`.
 * Hand-written (a few lines each) rather than a dependency, because the decoders are needed as much as
 * the encoders.
 */
import { Sha256 } from '@aws-crypto/sha256-js';

// Web Crypto and a pure-JS hash, not node:crypto: the console bundles the API's schemas (which check
// IDs with these patterns) into the browser page.
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/** Upstream IDs look like `group-20260318035710-abcde`; anything else cannot exist upstream. */
export const GROUP_ID_PATTERN = /^group-[A-Za-z0-9_-]+$/;
export const ASSET_ID_PATTERN = /^asset-[A-Za-z0-9_-]+$/;

// ---- upload IDs ----

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const UPLOAD_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function newUploadId(now: Date = new Date(), random: Uint8Array = randomBytes(10)): string {
  let time = now.getTime();
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  let bits = 0n;
  for (const b of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(b);
  let randomPart = '';
  for (let i = 0; i < 16; i++) {
    randomPart = ALPHABET[Number(bits & 31n)] + randomPart;
    bits >>= 5n;
  }
  return timePart + randomPart;
}

export function isUploadId(id: string): boolean {
  return UPLOAD_ID_PATTERN.test(id);
}

/** The creation instant an upload ID carries, or undefined for something that is not an upload ID. */
export function uploadIdTime(id: string): Date | undefined {
  if (!isUploadId(id)) return undefined;
  let ms = 0;
  for (const c of id.slice(0, 10)) ms = ms * 32 + ALPHABET.indexOf(c);
  return new Date(ms);
}

// ---- video IDs ----

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Lower-case Crockford base32 of the bytes (no padding). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out;
}

const sha256 = (s: string): Uint8Array => {
  const h = new Sha256();
  h.update(s);
  return h.digestSync();
};

/** 26 base32 characters = 130 bits, after the `vid-` prefix; also a valid execution name (≤ 80). */
const ID_CHARS = 26;

/** What an Idempotency-Key may be; the routes' header schema checks it (functions/core/api-schemas). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The part of a caller's IAM ARN that idempotency keys are scoped to. An assumed role's session name
 * changes whenever SDK credentials refresh (`botocore-session-<ts>`, CLI session names), so a retry
 * after a refresh must still find its video: the scope stops at the role.
 */
export function idempotencyScope(userArn: string): string {
  const m = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/.+$/.exec(userArn);
  return m?.[1] ?? userArn;
}

/**
 * The ID a key maps to. `scope` (the caller's identity when known) keeps two callers that happen to use
 * the same key apart.
 */
export function videoIdFromKey(key: string, scope = ''): string {
  return `vid-${base32(sha256(`video-idempotency\n${scope}\n${key}`)).slice(0, ID_CHARS)}`;
}

/** What a video ID looks like (the API's path check and the execution-end router use it). */
export const VIDEO_ID_PATTERN = /^vid-[a-z0-9]{16,64}$/;
export const isVideoId = (id: string): boolean => VIDEO_ID_PATTERN.test(id);

/** A random ID whose first 10 characters are the creation time, so IDs sort by age. */
export function newVideoId(now = new Date(), random: Uint8Array = randomBytes(10)): string {
  let t = now.getTime();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `vid-${time}${base32(random).slice(0, ID_CHARS - 10)}`;
}

// ---- webhook endpoint IDs ----

/**
 * `wh-` + 26 lower-case base32 characters, the first 10 the registration time, like video IDs (so
 * they sort by age); the rest of a Standard Webhooks message ID (`msg_…`) is made from it and the
 * event ID (functions/core/webhooks/signing.ts).
 */
export const WEBHOOK_ID_PATTERN = /^wh-[a-z0-9]{26}$/;
export const isWebhookId = (id: string): boolean => WEBHOOK_ID_PATTERN.test(id);

export function newWebhookId(now = new Date(), random: Uint8Array = randomBytes(10)): string {
  return `wh-${newVideoId(now, random).slice(4)}`;
}
