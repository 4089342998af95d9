/**
 * Standard Webhooks (standardwebhooks.com) signing, with node:crypto: the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the endpoint secret (the base64 after
 * `whsec_`), sent as `webhook-signature: v1,<base64>`. The `standardwebhooks` package is the test
 * oracle (test/unit/webhook-signing.test.ts): what it verifies is what a receiver verifies.
 *
 * `webhook-id` is derived from the event ID and the endpoint (`msg_…`), so every retry and replay of
 * one event to one endpoint carries the same ID, and a receiver dedupes on it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret (24 random bytes), shown to the caller once. */
export function newEndpointSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new RangeError('an endpoint secret starts with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function webhookId(eventId: string, endpointId: string): string {
  return `msg_${createHash('sha256').update(`${endpointId}\n${eventId}`).digest('base64url').slice(0, 27)}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Headers for one attempt. `secrets` holds the current secret first, then one being rotated out
 * (both signatures are sent during the overlap, as the spec allows, space-separated).
 */
export function signWebhook(
  msgId: string,
  body: string,
  secrets: readonly string[],
  at: Date = new Date(),
): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const content = `${msgId}.${timestamp}.${body}`;
  const signatures = secrets.map(
    (s) => `v1,${createHmac('sha256', keyOf(s)).update(content).digest('base64')}`,
  );
  return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}
