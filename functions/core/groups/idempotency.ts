/**
 * Idempotency-Key on POST /groups. Upstream has no client token for CreateAssetGroup and this stack
 * has no table yet, so the key→group mapping is a small record in the bucket (private prefix
 * `idempotency/groups/`, expired by lifecycle after a day, well past the 15 minutes a signed request can
 * be replayed). The record is claimed with a create-only write (If-None-Match: *) before the group is
 * made, so two concurrent requests with one key never make two groups; the winner fills in the group.
 * Why not the group itself (a marker in its Description, found by listing by name): the Description
 * has no room left beside the caller's 200 characters and the managed marker, and upstream listing is
 * eventually consistent, so a quick replay could miss the group it is meant to find.
 */
import { createHash } from 'node:crypto';
import { ApiError, conflict } from '../errors';
import { IDEMPOTENCY_KEY } from '../ids';
import { GROUP_IDEMPOTENCY_PREFIX } from '../storage-layout';
import { fingerprint } from '../video/fingerprint';

export { GROUP_IDEMPOTENCY_PREFIX };

/** A claim older than this whose group was never recorded came from a request that died midway. */
export const STALE_CLAIM_MS = 60_000;

export interface GroupIdempotencyRecord {
  fingerprint: string;
  claimedAt: string;
  /** The 201 body, once the group exists. */
  group?: Record<string, unknown>;
}

/** Where the record of `key` for this caller lives (the key itself never appears in a name). */
export function groupIdempotencyObjectKey(key: string, scope: string): string {
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ApiError(
      400,
      'InvalidIdempotencyKey',
      'Idempotency-Key must be 1–255 visible ASCII characters (a UUID is a good choice)',
    );
  const h = createHash('sha256').update(`group-idempotency\n${scope}\n${key}`).digest('hex');
  return `${GROUP_IDEMPOTENCY_PREFIX}${h}.json`;
}

export const groupFingerprint = (body: { name: string; description?: string }) =>
  fingerprint({ name: body.name, description: body.description ?? '' });

export type ReplayDecision =
  { kind: 'replay'; group: Record<string, unknown> } | { kind: 'take-over' } | { kind: 'in-progress' };

/** What an existing record means for a request with fingerprint `fp`; throws 409 for another body. */
export function decideReplay(record: GroupIdempotencyRecord, fp: string, now: Date): ReplayDecision {
  if (record.fingerprint !== fp)
    throw conflict(
      'IdempotencyConflict',
      'This Idempotency-Key was already used with a different request body; use a new key for a new group',
    );
  if (record.group) return { kind: 'replay', group: record.group };
  const age = now.getTime() - Date.parse(record.claimedAt);
  return Number.isNaN(age) || age > STALE_CLAIM_MS ? { kind: 'take-over' } : { kind: 'in-progress' };
}

export const groupInProgress = () =>
  conflict(
    'IdempotencyInProgress',
    'A request with this Idempotency-Key is still creating the group; retry in a few seconds',
  );
