/**
 * The whole local stack for an end-to-end file at a declared simulator tier, with a signed API client,
 * and quiet logs while it runs (LOG_LEVEL is put back on close).
 */
import { ApiClient } from '../../cli/api-client';
import { createSigner } from '../../cli/signing';
import { startLocalStack, type LocalStack } from '../../local/start';

export interface E2eStack {
  stack: LocalStack;
  client: ApiClient;
  close(): Promise<void>;
}

export async function openE2eStack(opts: {
  timeScale: number;
  tier: 'basic' | 'advanced' | 'premium';
}): Promise<E2eStack> {
  const logLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'warn';
  const stack = await startLocalStack({ port: 0, timeScale: opts.timeScale, simulator: { tier: opts.tier } });
  const client = new ApiClient({
    baseUrl: stack.apiUrl,
    signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
  });
  return {
    stack,
    client,
    close: async () => {
      await stack.close();
      if (logLevel === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = logLevel;
    },
  };
}
