/**
 * Reads the upstream credentials secret with a cache that expires, so a rotated secret is picked up
 * without a cold start. Client at module scope; the secret ID and TTL come from config.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig, parseCredentials, required, type UpstreamCredentials } from '../core/config';
import { registerSecret } from '../core/redact';
import { lazyClient } from './lazy-client';

const secrets = lazyClient(() => new SecretsManagerClient({}));

let cached: { value: UpstreamCredentials; expiresAt: number } | undefined;
let inflight: Promise<UpstreamCredentials> | undefined;

export async function getCredentials(now = Date.now()): Promise<UpstreamCredentials> {
  if (cached && now < cached.expiresAt) return cached.value;
  inflight ??= (async () => {
    try {
      const config = loadConfig();
      const out = await secrets().send(
        new GetSecretValueCommand({
          SecretId: required(config.credentialsSecretId, 'CREDENTIALS_SECRET_ID'),
        }),
      );
      const value = parseCredentials(out.SecretString ?? '');
      registerSecret(value.secretAccessKey, value.apiToken, value.sessionToken, value.accessKeyId);
      cached = { value, expiresAt: Date.now() + config.secretCacheTtlSeconds * 1000 };
      return value;
    } finally {
      inflight = undefined;
    }
  })();
  return inflight;
}

/** For tests and for a forced refresh after an authentication error. */
export function clearCredentialsCache(): void {
  cached = undefined;
  callbackKey = undefined;
  webhookKey = undefined;
}

let callbackKey: { id: string; value: string; expiresAt: number } | undefined;

/**
 * The key upstream callback URLs are signed with (CALLBACK_SECRET_ID): JSON `{"key": "…"}` as the
 * stack generates it, or the plain string. Cached like the credentials.
 */
export async function getCallbackKey(now = Date.now()): Promise<string> {
  const config = loadConfig();
  const id = required(config.callbackSecretId, 'CALLBACK_SECRET_ID');
  if (callbackKey && callbackKey.id === id && now < callbackKey.expiresAt) return callbackKey.value;
  const out = await secrets().send(new GetSecretValueCommand({ SecretId: id }));
  const raw = out.SecretString ?? '';
  let value = raw;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown };
    if (typeof parsed.key === 'string') value = parsed.key;
  } catch {
    // a plain string is the key itself
  }
  if (!value) throw new Error('the callback signing secret is empty');
  registerSecret(value);
  callbackKey = { id, value, expiresAt: Date.now() + config.secretCacheTtlSeconds * 1000 };
  return value;
}

let webhookKey: { id: string; value: string; expiresAt: number } | undefined;

/**
 * The key webhook endpoint secrets are sealed with (WEBHOOK_KEY_SECRET_ID, `{"key": "…"}` as the stack
 * generates it). Cached like the credentials; registered for redaction.
 */
export async function getWebhookKey(now = Date.now()): Promise<string> {
  const config = loadConfig();
  const id = required(config.webhookKeySecretId, 'WEBHOOK_KEY_SECRET_ID');
  if (webhookKey && webhookKey.id === id && now < webhookKey.expiresAt) return webhookKey.value;
  const out = await secrets().send(new GetSecretValueCommand({ SecretId: id }));
  const raw = out.SecretString ?? '';
  let value = raw;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown };
    if (typeof parsed.key === 'string') value = parsed.key;
  } catch {
    // a plain string is the key itself
  }
  if (!value) throw new Error('the webhook sealing secret is empty');
  registerSecret(value);
  webhookKey = { id, value, expiresAt: Date.now() + config.secretCacheTtlSeconds * 1000 };
  return value;
}
