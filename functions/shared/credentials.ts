/**
 * Reads the upstream credentials secret and the callback signing key through Powertools for AWS
 * Lambda's Parameters (SecretsProvider): values cached for SECRET_CACHE_TTL_SECONDS, so a rotated
 * secret is picked up without a cold start, and dropped at once by `clearCredentialsCache()` (called
 * after upstream refuses our credentials). Concurrent callers share one read (the local stack runs many
 * handlers in one process); a value that does not parse is dropped from the cache, so a corrected
 * secret is read on the next call. Provider and client at module scope, built on first use.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { loadConfig, parseCredentials, required, type UpstreamCredentials } from '../core/config';
import { registerSecret } from '../core/redact';
import { onCredentialsRefresh } from './credential-refresh';
import { lazyClient, SDK_CLIENT_OPTIONS } from './lazy-client';

const secrets = lazyClient(
  () => new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(SDK_CLIENT_OPTIONS) }),
);

const inflight = new Map<string, Promise<unknown>>();

/** One read of `id` at a time; `parse` failing drops the cached string so the next call reads again. */
function cachedSecret<T>(id: string, parse: (raw: string) => T): Promise<T> {
  const pending = inflight.get(id) as Promise<T> | undefined;
  if (pending) return pending;
  const read = (async () => {
    try {
      const provider = secrets();
      const maxAge = loadConfig().secretCacheTtlSeconds;
      const raw = await provider.get(id, { maxAge });
      try {
        return parse(typeof raw === 'string' ? raw : '');
      } catch (e) {
        provider.clearCache();
        throw e;
      }
    } finally {
      inflight.delete(id);
    }
  })();
  inflight.set(id, read);
  return read;
}

export async function getCredentials(): Promise<UpstreamCredentials> {
  const id = required(loadConfig().credentialsSecretId, 'CREDENTIALS_SECRET_ID');
  const value = await cachedSecret(id, parseCredentials);
  registerSecret(value.secretAccessKey, value.apiToken, value.sessionToken, value.accessKeyId);
  return value;
}

/** For tests and for a forced refresh after an authentication error: the next read goes to Secrets Manager. */
export function clearCredentialsCache(): void {
  secrets().clearCache();
}
onCredentialsRefresh(clearCredentialsCache);

/**
 * The key upstream callback URLs are signed with (CALLBACK_SECRET_ID): JSON `{"key": "…"}` as the
 * stack generates it, or the plain string. Cached like the credentials.
 */
export async function getCallbackKey(): Promise<string> {
  const id = required(loadConfig().callbackSecretId, 'CALLBACK_SECRET_ID');
  const value = await cachedSecret(id, parseCallbackKey);
  registerSecret(value);
  return value;
}

function parseCallbackKey(raw: string): string {
  let value = raw;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown };
    if (typeof parsed.key === 'string') value = parsed.key;
  } catch {
    // a plain string is the key itself
  }
  if (!value) throw new Error('the callback signing secret is empty');
  return value;
}

/**
 * The key webhook endpoint secrets are sealed with (WEBHOOK_KEY_SECRET_ID, `{"key": "…"}` as the stack
 * generates it). Cached like the credentials; registered for redaction.
 */
export async function getWebhookKey(): Promise<string> {
  const id = required(loadConfig().webhookKeySecretId, 'WEBHOOK_KEY_SECRET_ID');
  const value = await cachedSecret(id, parseWebhookKey);
  registerSecret(value);
  return value;
}

function parseWebhookKey(raw: string): string {
  let value = raw;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown };
    if (typeof parsed.key === 'string') value = parsed.key;
  } catch {
    // a plain string is the key itself
  }
  if (!value) throw new Error('the webhook sealing secret is empty');
  return value;
}
