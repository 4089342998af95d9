/**
 * Where the CLI sends its calls and how it signs them: the standard AWS credential chain for a
 * deployed API, the local stack's dev credentials for a loopback one (or with --local).
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { devCredentialsFromEnv, LOCAL_DEV_CREDENTIALS } from './dev-credentials';
import { ApiClient } from './api-client';
import { CommandFailed } from './errors';
import { createSigner, type CredentialSource } from './signing';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';
export const DEFAULT_REGION = 'us-east-1';

/** The local stack's dev credentials when LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY are not set. */
export const LOCAL_DEFAULT_CREDENTIALS = LOCAL_DEV_CREDENTIALS;

export interface ConnectionOptions {
  api?: string;
  region?: string;
  profile?: string;
  /** true: dev credentials; false: the AWS chain even on loopback; undefined: decide by host. */
  local?: boolean;
}

export interface Connection {
  apiUrl: string;
  region: string;
  local: boolean;
  credentials: CredentialSource;
}

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The same rule the local stack applies to the same variables, so both sides always agree. */
export function localCredentials(env: Env): AwsCredentialIdentity {
  try {
    return devCredentialsFromEnv(env);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function resolveConnection(o: ConnectionOptions, env: Env): Connection {
  const apiUrl = (o.api || env.SEEDANCE_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new UsageError(`--api must be an http(s) URL, got "${apiUrl}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--api must be an http(s) URL, got "${apiUrl}"`);
  const region = o.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  const local = o.local ?? isLoopbackUrl(apiUrl);
  return { apiUrl, region, local, credentials: local ? localCredentials(env) : awsChain(o.profile) };
}

/** Loaded on first use: the provider chain is the heaviest import of the CLI and local runs skip it. */
function awsChain(profile: string | undefined): CredentialSource {
  let provider: CredentialSource | undefined;
  return async () => {
    if (!provider) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      provider = fromNodeProviderChain(profile ? { profile } : {});
    }
    try {
      return typeof provider === 'function' ? await provider() : provider;
    } catch (e) {
      throw new CommandFailed(
        'NoCredentials',
        `No AWS credentials to sign with: ${e instanceof Error ? e.message : String(e)}`,
        'Configure AWS credentials (aws configure, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); for the local stack use --local.',
      );
    }
  };
}

export function createApiClient(
  conn: Connection,
  extra: { fetch?: typeof fetch; timeoutMs?: number } = {},
): ApiClient {
  return new ApiClient({
    baseUrl: conn.apiUrl,
    signer: createSigner({ credentials: conn.credentials, region: conn.region }),
    connectionHint: conn.local
      ? 'Start the local stack with `npm start` (or pass --api URL / set SEEDANCE_API_URL for a deployed API).'
      : 'Check --api / SEEDANCE_API_URL and your network.',
    ...extra,
  });
}

/** A mistake in the command line itself (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'UsageError';
}
