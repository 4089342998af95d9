/**
 * Keys this stack derives for its own use — the salt of the safety identifier, the HMAC key of the
 * real-person callback state — from one stack secret (the upstream credentials' secret key), each bound
 * to its purpose by HKDF so that no derived key reveals the secret or another key. Rotating the secret
 * changes them: pending real-person sessions then fail their callback (30 min at most) and upstream sees
 * new safety identifiers, which is what a rotation should do.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type KeyPurpose = 'safety-identifier' | 'real-person-state';

export function deriveKey(rootSecret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', rootSecret, 'seedance-stack', purpose, 32));
}

export function hmacBase64url(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

/** Constant-time comparison of two strings (false at once when the lengths differ, which leaks only length). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
