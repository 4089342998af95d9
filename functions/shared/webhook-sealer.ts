/**
 * Seals and opens endpoint secrets with the stack's webhook key (WEBHOOK_KEY_SECRET_ID). Its own module,
 * not part of webhook-store.ts: only the routes and the step that handle a secret (create, rotate,
 * deliver) load it, so the others (get, list, delete, replay, the fan-out) bundle no Secrets Manager client.
 */
import { openSecret, sealSecret, type SecretSealer } from '../core/webhooks';
import { getWebhookKey } from './credentials';

export const stackSealer: SecretSealer = {
  seal: async (secret, endpointId) => sealSecret(secret, endpointId, await getWebhookKey()),
  open: async (sealed, endpointId) => openSecret(sealed, endpointId, await getWebhookKey()),
};
