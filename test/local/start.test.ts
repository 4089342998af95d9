import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '../../cli/signing';
import { startLocalStack, type LocalStack } from '../../local/start';

const DEV = { accessKeyId: 'AKIDSTACKTEST', secretAccessKey: 'stack-test-secret' };
let stack: LocalStack;
const envBefore = process.env.AWS_ENDPOINT_URL_SFN;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, timeScale: 0.01, credentials: DEV, upstream: 'sim', env: {} });
});
afterAll(async () => {
  await stack.close();
});

const sign = createSigner({ credentials: DEV, region: 'us-east-1' });

async function signedGet(path: string): Promise<Response> {
  const url = new URL(path, stack.apiUrl);
  return fetch(url, { headers: await sign({ method: 'GET', url, headers: {} }) });
}

describe('startLocalStack', () => {
  it('serves the signed API with the handlers wired to the local services', async () => {
    // Prepare
    const path = '/groups';

    // Act
    const res = await signedGet(path);

    // Assess
    expect(res.status).toBe(200);
    expect(stack.upstream.mode).toBe('sim');
    expect(stack.upstream.volcEndpoint).toBe(stack.simulator?.url);
  });

  it('points the SDK variables at its own S3 and Step Functions', async () => {
    // Prepare
    // No endpoint or credentials given: what a handler's client picks up from the environment.
    const sfn = new SFNClient({});
    const s3 = new S3Client({});

    // Act
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: process.env.VIDEO_STATE_MACHINE_ARN }),
    );
    const bucket = await s3.send(new HeadBucketCommand({ Bucket: process.env.BUCKET_NAME }));

    // Assess
    expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(stack.sfnUrl);
    expect(listed.executions).toEqual([]);
    expect(bucket.$metadata.httpStatusCode).toBe(200);
    sfn.destroy();
    s3.destroy();
  });

  it('restores the environment on close', async () => {
    // Prepare
    const second = await startLocalStack({
      port: 0,
      timeScale: 0.01,
      credentials: DEV,
      upstream: 'sim',
      env: {},
    });
    const during = process.env.AWS_ENDPOINT_URL_SFN;

    // Act
    await second.close();

    // Assess
    expect(during).toBe(second.sfnUrl);
    expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(stack.sfnUrl);
    expect(envBefore).not.toBe(stack.sfnUrl);
  });

  it('runs the cleanup handler on its timer', async () => {
    // Prepare
    const lines: string[] = [];
    const withTimer = await startLocalStack({
      port: 0,
      credentials: DEV,
      upstream: 'sim',
      env: {},
      cleanupIntervalSeconds: 0.05,
      log: (l) => lines.push(l),
    });

    // Act
    for (let i = 0; i < 200 && !lines.some((l) => l.startsWith('cleanup')); i++)
      await new Promise((r) => setTimeout(r, 10));
    await withTimer.close();

    // Assess
    expect(lines.find((l) => l.startsWith('cleanup'))).toMatch(/^cleanup: \{/);
  });

  it('refuses LOCAL_UPSTREAM=real without credentials', async () => {
    // Prepare
    const env = { LOCAL_UPSTREAM: 'real' };

    // Act
    const starting = startLocalStack({ port: 0, env });

    // Assess
    await expect(starting).rejects.toThrow('VOLC_ACCESS_KEY_ID');
  });
});

describe('npm start', () => {
  it('prints the API URL and dev credentials, and stops on Ctrl-C', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        LOCAL_ACCESS_KEY_ID: 'AKIDPRINTED',
        LOCAL_SECRET_ACCESS_KEY: 'printed-secret',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    for (let i = 0; i < 400 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));

    // Act
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];

    // Assess
    expect(out).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('AKIDPRINTED');
    expect(out).toContain('printed-secret');
    expect(code).toBe(0);
  });
});
