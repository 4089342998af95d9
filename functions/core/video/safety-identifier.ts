/**
 * `safety_identifier`: a stable ID of the end user upstream uses for abuse checks (UPSTREAM.md §2: ≤ 64
 * characters, "send a hash"). Ours is an HMAC of the caller's IAM principal (the role, not the session:
 * ids.ts `idempotencyScope`) under a key derived from the stack secret, so upstream can tell callers
 * apart without learning who they are, and nobody without the secret can test a guess. The principal
 * itself is never logged or sent.
 */
import { base32 } from '../ids';
import { createHmac } from 'node:crypto';

export const SAFETY_IDENTIFIER_MAX = 64;

export function safetyIdentifier(principal: string, key: Buffer): string {
  // 30 bytes → 48 base32 characters, plus the prefix: 51 of the 64 allowed.
  const mac = createHmac('sha256', key).update(`safety-identifier\n${principal}`).digest().subarray(0, 30);
  return `sid-${base32(mac)}`;
}
