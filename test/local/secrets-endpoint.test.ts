import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/sfn/aws-json';
import { secretArn, startSecretsEndpoint } from '../../local/secrets/server';

let endpoint: RunningServer;
let client: SecretsManagerClient;
let current = '{"accessKeyId":"AK1","secretAccessKey":"SK1","apiToken":"T1"}';

beforeAll(async () => {
  endpoint = await startSecretsEndpoint({ secrets: { 'seedance/upstream': () => current } });
  client = new SecretsManagerClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

describe('local Secrets Manager endpoint', () => {
  it('returns the secret string by name and by ARN, reading the current value each time', async () => {
    // Prepare
    const byName = new GetSecretValueCommand({ SecretId: 'seedance/upstream' });

    // Act
    const first = await client.send(byName);
    current = '{"accessKeyId":"AK2","secretAccessKey":"SK2","apiToken":"T2"}';
    const second = await client.send(new GetSecretValueCommand({ SecretId: secretArn('seedance/upstream') }));

    // Assess
    expect(JSON.parse(first.SecretString ?? '')).toMatchObject({ accessKeyId: 'AK1' });
    expect(first.Name).toBe('seedance/upstream');
    expect(first.CreatedDate).toBeInstanceOf(Date);
    expect(JSON.parse(second.SecretString ?? '')).toMatchObject({ apiToken: 'T2' });
  });

  it('answers an unknown secret with ResourceNotFoundException', async () => {
    // Prepare
    const command = new GetSecretValueCommand({ SecretId: 'nope' });

    // Act
    const sent = client.send(command);

    // Assess
    await expect(sent).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
