// The stack's Secrets Manager provider (functions/shared/secrets-manager.ts) held to the SDK's client
// and Powertools' own SecretsProvider on one local endpoint: the same value, the same refusals, and
// Powertools' caching kept.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider as PowertoolsSecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsProvider } from '../../functions/shared/secrets-manager';
import { AwsServiceError, startAwsJsonServer, type AwsJsonServer } from '../../local/sfn/aws-json';

const CREDENTIALS = { accessKeyId: 'AKIDSECRETSTEST', secretAccessKey: 'secrets-test' };
const BYTES = [0, 1, 2, 254, 255];

let endpoint: AwsJsonServer;
let reads = 0;

beforeAll(async () => {
  endpoint = await startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    actions: {
      GetSecretValue: (body) => {
        reads++;
        if (body.SecretId === 'text') return { Name: 'text', SecretString: '{"key":"v"}' };
        if (body.SecretId === 'binary')
          return { Name: 'binary', SecretBinary: Buffer.from(BYTES).toString('base64') };
        throw new AwsServiceError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      },
    },
  });
});
afterAll(async () => {
  await endpoint?.close();
});

const options = () => ({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS });
const sdkClient = () => new SecretsManagerClient(options());

async function failure(call: () => Promise<unknown>) {
  const e = await call().then(
    () => undefined,
    (err: unknown) => err as Error & { cause?: Error },
  );
  return e && { type: e.constructor.name, causeName: e.cause?.name };
}

describe('the stack Secrets Manager provider against the SDK client and Powertools SecretsProvider', () => {
  it('reads the same string and the same bytes', async () => {
    // Prepare
    const mine = new SecretsProvider(options());
    const theirs = new PowertoolsSecretsProvider({ awsSdkV3Client: sdkClient() });
    // Act
    const text = [await mine.get('text'), await theirs.get('text')];
    const binary = [await mine.get('binary'), await theirs.get('binary')];
    const raw = await sdkClient().send(new GetSecretValueCommand({ SecretId: 'binary' }));
    // Assess
    expect(text).toEqual(['{"key":"v"}', '{"key":"v"}']);
    expect(binary[0]).toBeInstanceOf(Uint8Array);
    expect(Array.from(binary[0] as Uint8Array)).toEqual(Array.from(binary[1] as Uint8Array));
    expect(Array.from(raw.SecretBinary ?? [])).toEqual(BYTES);
  });

  it('refuses a missing secret with the same error types (and ParameterNotFoundError on throwOnMissing)', async () => {
    // Prepare
    const mine = new SecretsProvider(options());
    const theirs = new PowertoolsSecretsProvider({ awsSdkV3Client: sdkClient() });
    // Act
    const missing = [await failure(() => mine.get('nope')), await failure(() => theirs.get('nope'))];
    const strict = [
      await failure(() => mine.get('nope', { throwOnMissing: true })),
      await failure(() => theirs.get('nope', { throwOnMissing: true })),
    ];
    // Assess
    expect(missing[0]).toEqual({ type: 'GetParameterError', causeName: 'ResourceNotFoundException' });
    expect(missing[0]).toEqual(missing[1]);
    expect(strict[0]?.type).toBe('ParameterNotFoundError');
    expect(strict[0]?.type).toBe(strict[1]?.type);
  });

  it('keeps Powertools caching: one read within maxAge, another after clearCache or forceFetch', async () => {
    // Prepare
    const mine = new SecretsProvider(options());
    const before = reads;
    // Act
    await mine.get('text', { maxAge: 60 });
    await mine.get('text', { maxAge: 60 });
    const cached = reads - before;
    mine.clearCache();
    await mine.get('text', { maxAge: 60 });
    await mine.get('text', { maxAge: 60, forceFetch: true });
    // Assess
    expect(cached).toBe(1);
    expect(reads - before).toBe(3);
  });
});
