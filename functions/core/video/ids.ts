/**
 * Video IDs, request fingerprints and the seed marker. There is no database: a video is the Step
 * Functions execution named by its ID, so idempotency comes from deriving the ID from the caller's
 * Idempotency-Key and comparing a fingerprint of the body kept in the execution input.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../errors';

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

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** 26 base32 characters = 130 bits, after the `vid-` prefix; also a valid execution name (≤ 80). */
const ID_CHARS = 26;

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
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ApiError(
      400,
      'InvalidIdempotencyKey',
      'Idempotency-Key must be 1–255 visible ASCII characters (a UUID is a good choice)',
    );
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

/** JSON with sorted keys and no undefined values, so equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of what the caller asked for (the validated body, the resolved model). */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * The seed sent upstream when the caller leaves it random (absent or -1). Upstream has no client token
 * and no task metadata, so after an ambiguous CreateTask failure (timeout, 5xx, reset) the only way to
 * recognise *our* task among recent ones is a field we chose and it echoes: a 32-bit seed derived from
 * the video ID. A seed we pick at random is, for the model, the same as the random seed it would pick.
 */
export function seedFor(videoId: string, requested?: number): number {
  if (requested !== undefined && requested !== -1) return requested;
  return sha256(`video-seed\n${videoId}`).readUInt32BE(0);
}

/** `arn:aws:states:r:a:stateMachine:name` + execution name → the execution ARN. */
export function executionArn(stateMachineArn: string, name: string): string {
  const m = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:([^:]+)$/.exec(stateMachineArn);
  if (!m) throw new Error('not a state machine ARN');
  return `${m[1]}:execution:${m[2]}:${name}`;
}

/** The execution name (our video ID) at the end of an execution ARN. */
export function executionName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}
