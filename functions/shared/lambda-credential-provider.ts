/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * lib/constructs/handler-function.ts); the local stack, tests and the CLI keep the SDK's own chain.
 *
 * Every SDK client imports the default chain, and the chain imports profile files, SSO, web identity
 * and process providers together with the STS, SSO, SSO-OIDC and sign-in clients they call — about
 * 95 KiB of each bundle, and their share of module initialisation, for sources a Lambda function never
 * has: the runtime puts the role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN before the handler loads. A container credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI, as on managed instances) is read when set.
 * The SDK memoizes whatever this returns and refreshes it at expiry, as it does for its own chain.
 */
import { fromEnv, fromHttp } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

type Init = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];

const CONTAINER_VARS = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

export class LambdaCredentialsMissing extends Error {
  override readonly name = 'CredentialsProviderError';
}

export const defaultProvider =
  (init: Init = {}): AwsCredentialIdentityProvider =>
  async (): Promise<AwsCredentialIdentity> => {
    if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) return fromEnv(init)();
    if (CONTAINER_VARS.some((v) => process.env[v])) return fromHttp(init)();
    throw new LambdaCredentialsMissing(
      'No AWS credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor a container credentials endpoint is set',
    );
  };

/** The same predicates the SDK's chain exports (a client may import them with `defaultProvider`). */
export const credentialsWillNeedRefresh = (c?: AwsCredentialIdentity): boolean => c?.expiration !== undefined;
export const credentialsTreatedAsExpired = (c?: AwsCredentialIdentity): boolean =>
  c?.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000;
