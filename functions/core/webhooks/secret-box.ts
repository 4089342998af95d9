/**
 * Where an endpoint's `whsec_` secret lives: in its endpoint item of the state table, sealed with
 * AES-256-GCM under one stack key (the WebhookKey secret in Secrets Manager, read by the two roles
 * that seal and open: registration/rotation and delivery). The endpoint ID is the associated data, so
 * a sealed secret copied onto another endpoint does not open.
 *
 * Why not one Secrets Manager secret per endpoint: $0.40 a month each plus a GetSecretValue per cold
 * delivery, and an API role that may create secrets. Why not KMS Encrypt/Decrypt per endpoint: a KMS
 * call on every delivery attempt (or a cache that holds the plaintext anyway) and a local KMS to run;
 * the envelope here costs one cached secret read per Lambda and keeps the table's readers (every role
 * with records:read) from ever seeing a usable secret. Upgrade path: wrap the stack key with KMS.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function keyOf(stackKey: string): Buffer {
  if (!stackKey) throw new RangeError('the webhook sealing key is empty');
  return Buffer.from(hkdfSync('sha256', stackKey, Buffer.alloc(0), 'seedance webhook endpoint secrets', 32));
}

export function sealSecret(secret: string, endpointId: string, stackKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(stackKey), iv);
  cipher.setAAD(Buffer.from(endpointId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws on anything that is not a secret sealed for this endpoint with this key. */
export function openSecret(sealed: string, endpointId: string, stackKey: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag) throw new RangeError('not a sealed webhook secret');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(stackKey), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
