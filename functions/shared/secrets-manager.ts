/**
 * Secrets Manager's GetSecretValue as a Powertools for AWS Lambda Parameters provider: Powertools'
 * BaseProvider keeps the caching (maxAge, forceFetch, clearCache) and the error types, this class only
 * fetches, over the stack's AWS JSON transport (aws-json-client.ts, whose header says why not the
 * SDK's client: Powertools' own SecretsProvider needs @aws-sdk/client-secrets-manager, about 120 KiB of
 * every handler that reads a secret). Otherwise it is Powertools' SecretsProvider._get: the string, or
 * the binary (base64 on the wire) as bytes; not found is `undefined` when the caller asked
 * throwOnMissing. test/unit/secrets-manager.test.ts holds it to the SDK's client on the local endpoint.
 */
import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { AwsJsonClient, AwsServiceError, type AwsJsonClientOptions } from './aws-json-client';

const SECRETS_MANAGER = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  endpointVariable: 'SECRETS_MANAGER',
} as const;

export class SecretsProvider extends BaseProvider {
  private readonly transport: AwsJsonClient;

  constructor(options: AwsJsonClientOptions = {}) {
    super({});
    this.transport = new AwsJsonClient(SECRETS_MANAGER, options);
  }

  protected async _get(
    name: string,
    options?: { throwOnMissing?: boolean },
  ): Promise<string | Uint8Array | undefined> {
    try {
      const out = await this.transport.call('GetSecretValue', { SecretId: name });
      if (typeof out.SecretString === 'string' && out.SecretString !== '') return out.SecretString;
      if (typeof out.SecretBinary === 'string')
        return new Uint8Array(Buffer.from(out.SecretBinary, 'base64'));
      return undefined;
    } catch (e) {
      if (options?.throwOnMissing && e instanceof AwsServiceError && e.name === 'ResourceNotFoundException')
        return undefined;
      throw e;
    }
  }

  protected _getMultiple(): Promise<Record<string, unknown> | undefined> {
    throw new Error('Secrets Manager has no path reads');
  }
}
