/**
 * Request fingerprints, the seed marker and execution ARNs of videos (the ID formats themselves are in
 * functions/core/ids.ts). A replayed Idempotency-Key is recognised by comparing the fingerprint of the
 * body with the one kept in the video's record.
 */
import { createHash } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

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
