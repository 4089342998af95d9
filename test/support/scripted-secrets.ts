// A Secrets Manager endpoint whose GetSecretValue answers are scripted by the test (values, refusals,
// a gate to hold an answer back), on the local AWS JSON server the local stack's endpoint uses, so the
// stack's own client (functions/shared/secrets-manager.ts) is read over HTTP as in the cloud.
import { AwsServiceError, startAwsJsonServer } from '../../local/sfn/aws-json';
import { resetAwsClients } from '../../functions/shared/lazy-client';

/** A SecretString, a refusal under its AWS code, or a function producing either (it may wait). */
export type SecretAnswer = string | AwsServiceError | (() => Promise<string | AwsServiceError>);

export interface ScriptedSecrets {
  url: string;
  /** The SecretId of every GetSecretValue received, in order. */
  requests: string[];
  /** Answers the next calls in order; the last one keeps answering. */
  answer(...answers: SecretAnswer[]): void;
  /** Forgets the requests and the script (answers ResourceNotFoundException until told otherwise). */
  reset(): void;
  close(): Promise<void>;
}

export const refusal = (type: string, message = type, status = 400): AwsServiceError =>
  new AwsServiceError(type, message, status);

/**
 * Starts the endpoint and points this process's clients at it (AWS_ENDPOINT_URL_SECRETS_MANAGER, and
 * test credentials for the signer when none are set); `close()` puts the environment back.
 */
export async function startScriptedSecrets(...initial: SecretAnswer[]): Promise<ScriptedSecrets> {
  let script: SecretAnswer[] = [...initial];
  const requests: string[] = [];
  const server = await startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    actions: {
      GetSecretValue: async (body) => {
        requests.push(String(body.SecretId));
        const next = script.length > 1 ? script.shift() : script[0];
        if (next === undefined)
          throw refusal('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        const value = typeof next === 'function' ? await next() : next;
        if (value instanceof AwsServiceError) throw value;
        return { Name: String(body.SecretId), SecretString: value, VersionStages: ['AWSCURRENT'] };
      },
    },
  });
  // Set directly, not with vi.stubEnv: a test's unstubAllEnvs must not unplug the endpoint mid-file.
  const env: Record<string, string> = { AWS_ENDPOINT_URL_SECRETS_MANAGER: server.url };
  if (!process.env.AWS_ACCESS_KEY_ID) {
    env.AWS_ACCESS_KEY_ID = 'AKIDSCRIPTEDSECRETS';
    env.AWS_SECRET_ACCESS_KEY = 'scripted-secrets';
  }
  if (!process.env.AWS_REGION) env.AWS_REGION = 'us-east-1';
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetAwsClients();
  return {
    url: server.url,
    requests,
    answer: (...answers) => {
      script = [...answers];
    },
    reset: () => {
      script = [];
      requests.length = 0;
    },
    close: async () => {
      await server.close();
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetAwsClients();
    },
  };
}
