// The credentials secret cache (functions/shared/credentials.ts, Powertools Parameters) against a mocked Secrets Manager: TTL,
// rotation pick-up, one request for concurrent callers, safe errors, redaction, and the forced re-read
// after an upstream authentication rejection (apiHandler calls refreshCredentials, where credentials.ts registers clearCredentialsCache).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, type UpstreamCredentials } from '../../functions/core/config';
import { UpstreamError } from '../../functions/core/errors';
import { redactString } from '../../functions/core/redact';
import { apiHandler } from '../../functions/shared/api';
import { clearCredentialsCache, getCredentials } from '../../functions/shared/credentials';
import { Logger } from '../../functions/shared/logger';
import { apiEvent, lambdaContext } from '../handlers/api-event';

const SECRET_ID = 'seedance/unit-test';
const TTL_SECONDS = 60;
const T0 = new Date('2026-04-21T12:00:00Z');
const secrets = mockClient(SecretsManagerClient);

let serial = 0;
/** Distinct values per call, so one test's redaction registrations never mask another's. */
function freshCredentials(): UpstreamCredentials {
  serial++;
  return {
    accessKeyId: `AKIDUNIT${serial}${Date.now()}`,
    secretAccessKey: `sk-unit-${serial}-${Math.random().toString(36).slice(2)}`,
    sessionToken: `st-unit-${serial}-${Math.random().toString(36).slice(2)}`,
    apiToken: `tok-unit-${serial}-${Math.random().toString(36).slice(2)}`,
  };
}
const secretString = (c: UpstreamCredentials) => ({ SecretString: JSON.stringify(c) });

beforeAll(() => {
  vi.stubEnv('CREDENTIALS_SECRET_ID', SECRET_ID);
  vi.stubEnv('SECRET_CACHE_TTL_SECONDS', String(TTL_SECONDS));
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterAll(() => {
  vi.unstubAllEnvs();
  secrets.restore();
});
beforeEach(() => {
  secrets.reset();
  clearCredentialsCache();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('getCredentials', () => {
  it('reads the secret once while the TTL lasts', async () => {
    // Prepare
    const creds = freshCredentials();
    secrets.on(GetSecretValueCommand).resolves(secretString(creds));
    // Act
    const first = await getCredentials();
    vi.setSystemTime(T0.getTime() + TTL_SECONDS * 1000 - 1);
    const last = await getCredentials();
    // Assess
    expect(first).toEqual(creds);
    expect(last).toEqual(creds);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ID });
  });

  it('reads it again once the TTL has passed and picks up a rotated value', async () => {
    // Prepare
    const before = freshCredentials();
    const rotated = freshCredentials();
    secrets.on(GetSecretValueCommand).resolvesOnce(secretString(before)).resolvesOnce(secretString(rotated));
    await getCredentials();
    // Act
    vi.setSystemTime(T0.getTime() + TTL_SECONDS * 1000 + 1);
    const after = await getCredentials();
    // Assess
    expect(after).toEqual(rotated);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('serves the cached value within the TTL and the rotated one right after it', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolvesOnce(secretString(freshCredentials()));
    await getCredentials();
    const rotated = freshCredentials();
    secrets.on(GetSecretValueCommand).resolves(secretString(rotated));
    // Act
    vi.setSystemTime(T0.getTime() + 1000);
    const cached = await getCredentials();
    vi.setSystemTime(T0.getTime() + TTL_SECONDS * 1000 + 1);
    const expired = await getCredentials();
    // Assess
    expect(cached).not.toEqual(rotated);
    expect(expired).toEqual(rotated);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('lets concurrent callers share one GetSecretValue request', async () => {
    // Prepare
    const creds = freshCredentials();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    secrets.on(GetSecretValueCommand).callsFake(async () => {
      await gate;
      return secretString(creds);
    });
    // Act
    const pending = Promise.all(Array.from({ length: 5 }, () => getCredentials()));
    release();
    const results = await pending;
    // Assess
    expect(results).toEqual(Array(5).fill(creds));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('shares a failed read with every waiting caller, then tries again on the next call', async () => {
    // Prepare
    const creds = freshCredentials();
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves(secretString(creds));
    // Act
    const failed = await Promise.allSettled([getCredentials(), getCredentials()]);
    const retried = await getCredentials();
    // Assess
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(retried).toEqual(creds);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('rejects a secret with missing or mistyped fields naming the fields, never the values', async () => {
    // Prepare
    const visible = 'AKIDMUSTNOTLEAK42';
    const wrongTyped = 'sk-must-not-leak-either';
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ accessKeyId: visible, secretAccessKey: [wrongTyped] }),
    });
    // Act
    const error = await getCredentials().catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/secretAccessKey/);
    expect(message).toMatch(/apiToken/);
    expect(message).not.toContain(visible);
    expect(message).not.toContain(wrongTyped);
  });

  it('rejects a secret that is not JSON without echoing it', async () => {
    // Prepare
    const raw = 'apiToken=tok-plain-text-secret';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: raw });
    // Act
    const error = await getCredentials().catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).not.toContain('tok-plain-text-secret');
  });

  it('does not cache a bad secret: a corrected one is read on the next call', async () => {
    // Prepare
    const creds = freshCredentials();
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{}' }).resolves(secretString(creds));
    await getCredentials().catch(() => undefined);
    // Act
    const out = await getCredentials();
    // Assess
    expect(out).toEqual(creds);
  });

  it('registers every secret value for redaction', async () => {
    // Prepare
    const creds = freshCredentials();
    secrets.on(GetSecretValueCommand).resolves(secretString(creds));
    const line = `sk=${creds.secretAccessKey} st=${creds.sessionToken} tok=${creds.apiToken} ak=${creds.accessKeyId}`;
    const unmasked = redactString(line);
    // Act
    await getCredentials();
    const masked = redactString(line);
    // Assess
    expect(unmasked).toBe(line);
    expect(masked).toBe('sk=[redacted] st=[redacted] tok=[redacted] ak=[redacted]');
  });
});

describe('clearCredentialsCache', () => {
  it('forces a re-read within the TTL', async () => {
    // Prepare
    const before = freshCredentials();
    const rotated = freshCredentials();
    secrets.on(GetSecretValueCommand).resolvesOnce(secretString(before)).resolvesOnce(secretString(rotated));
    await getCredentials();
    // Act
    clearCredentialsCache();
    const after = await getCredentials();
    // Assess
    expect(after).toEqual(rotated);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('apiHandler and the credentials cache', () => {
  const failingRoute = (status: number, code: string) =>
    apiHandler(
      { name: 'credentialsProbe', access: ['upstream'], errors: [], status: 200 },
      async () => {
        await getCredentials();
        throw new UpstreamError({ service: 'volcengine', code, status, message: code });
      },
      { logger: new Logger('test', 'error', () => undefined) },
    );

  it('re-reads the secret on the next request after upstream rejects the credentials', async () => {
    // Prepare
    const rotated = freshCredentials();
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce(secretString(freshCredentials()))
      .resolves(secretString(rotated));
    const route = failingRoute(401, 'SignatureDoesNotMatch');
    // Act
    const res = await route(apiEvent(), lambdaContext());
    const next = await getCredentials();
    // Assess
    expect(res.statusCode).toBe(502);
    expect(next).toEqual(rotated);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('keeps the cached secret when upstream fails for another reason', async () => {
    // Prepare
    const creds = freshCredentials();
    secrets.on(GetSecretValueCommand).resolves(secretString(creds));
    const route = failingRoute(403, 'AccessDenied');
    // Act
    await route(apiEvent(), lambdaContext());
    await getCredentials();
    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });
});
