/**
 * A local Secrets Manager endpoint with GetSecretValue (and DescribeSecret), so
 * functions/shared/credentials.ts reads the upstream credentials with the real client through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`. Values come from the caller (start.ts builds them from env/.env);
 * a function value is read on every call, so changing the env is picked up like a rotation.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, startAwsJsonServer, type RunningServer } from '../sfn/aws-json';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../sfn/runner';

export interface SecretsEndpointOptions {
  /** Secret name → SecretString (or a getter). */
  secrets: Readonly<Record<string, string | (() => string)>>;
  host?: string;
  port?: number;
}

export function secretArn(name: string): string {
  // AWS appends a 6-character suffix to secret ARNs; a fixed one keeps the ARN stable across restarts.
  return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-local0`;
}

export async function startSecretsEndpoint(opts: SecretsEndpointOptions): Promise<RunningServer> {
  const createdDate = new Date();
  const versionId = randomUUID();
  const find = (body: Record<string, unknown>) => {
    const id = body.SecretId;
    if (typeof id !== 'string' || id === '')
      throw new AwsServiceError('InvalidParameterException', 'SecretId is required');
    const name = Object.keys(opts.secrets).find((n) => n === id || secretArn(n) === id);
    const value = name === undefined ? undefined : opts.secrets[name];
    if (name === undefined || value === undefined)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return { name, value: typeof value === 'function' ? value() : value };
  };
  return startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    host: opts.host,
    port: opts.port,
    actions: {
      GetSecretValue: (body) => {
        const stage = body.VersionStage;
        if (stage !== undefined && stage !== 'AWSCURRENT')
          throw new AwsServiceError(
            'ResourceNotFoundException',
            `Secrets Manager can't find the version stage ${String(stage)}.`,
          );
        const { name, value } = find(body);
        return {
          ARN: secretArn(name),
          Name: name,
          VersionId: versionId,
          SecretString: value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: createdDate,
        };
      },
      DescribeSecret: (body) => {
        const { name } = find(body);
        return { ARN: secretArn(name), Name: name, CreatedDate: createdDate, LastChangedDate: createdDate };
      },
    },
  });
}
