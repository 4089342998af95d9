import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSigner } from '../../cli/signing';
import { loadConfig } from '../../functions/core/config';
import { workflows } from '../../lib/workflows';
import type * as Runner from '../../local/sfn/runner';
import { createLocalStateMachine } from '../../local/sfn/runner';
import { banner, mask, startLocalStack, type LocalStack } from '../../local/start';
import { LOCAL_DEV_CREDENTIALS } from '../../cli/dev-credentials';

// Watches which time scale the stack gives each state machine; the real one still runs.
vi.mock('../../local/sfn/runner', async (importOriginal) => {
  const actual = await importOriginal<typeof Runner>();
  return { ...actual, createLocalStateMachine: vi.fn(actual.createLocalStateMachine) };
});

const DEV = { accessKeyId: 'AKIDSTACKTEST', secretAccessKey: 'stack-test-secret' };
let stack: LocalStack;
const envBefore = process.env.AWS_ENDPOINT_URL_SFN;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.01,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    simulator: { tier: 'basic' },
  });
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

  it('takes LOCAL_TIME_SCALE for the simulator, the handlers and the state machines', async () => {
    // Prepare
    vi.mocked(createLocalStateMachine).mockClear();
    const env = { LOCAL_TIME_SCALE: '0.1' };

    // Act
    const scaled = await startLocalStack({
      port: 0,
      credentials: DEV,
      upstream: 'sim',
      env,
      cleanupIntervalSeconds: 0,
    });
    const during = {
      simulator: scaled.simulator?.control.options().timeScale,
      handlerEnv: process.env.TIME_SCALE,
      handlerConfig: loadConfig().timeScale,
    };
    await scaled.close();

    // Assess
    expect(during).toEqual({ simulator: 0.1, handlerEnv: '0.1', handlerConfig: 0.1 });
    expect(
      vi.mocked(createLocalStateMachine).mock.calls.map(([name, opts]) => [name, opts?.timeScale]),
    ).toEqual(workflows.map((w) => [w.name, 0.1]));
  });

  it('runs the simulator at the basic tier unless SIM_TIER says otherwise, and refuses an unknown tier', async () => {
    // Act
    const tierOf = async (env: Record<string, string>) => {
      const s = await startLocalStack({
        port: 0,
        credentials: DEV,
        upstream: 'sim',
        env,
        cleanupIntervalSeconds: 0,
      });
      const tier = s.simulator?.control.options().tier;
      await s.close();
      return tier;
    };
    const tiers = [await tierOf({}), await tierOf({ SIM_TIER: 'advanced' })];
    const unknown = startLocalStack({
      port: 0,
      credentials: DEV,
      upstream: 'sim',
      env: { SIM_TIER: 'gold' },
    });

    // Assess
    expect(tiers).toEqual(['basic', 'advanced']);
    await expect(unknown).rejects.toThrow('SIM_TIER must be one of basic, advanced, premium, got gold');
  });

  it('refuses a LOCAL_TIME_SCALE outside (0, 1]', async () => {
    // Prepare
    const env = { LOCAL_TIME_SCALE: '2' };

    // Act
    const starting = startLocalStack({ port: 0, credentials: DEV, upstream: 'sim', env });

    // Assess
    await expect(starting).rejects.toThrow('LOCAL_TIME_SCALE must be a number in (0, 1], got 2');
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
  it('prints the API URL and the credentials from the environment masked, and stops everything on Ctrl-C', async () => {
    // Prepare
    // Its own process group, so the SIGINT below reaches npm, tsx and the stack at once, as Ctrl-C does.
    const child = spawn('npm', ['start'], {
      env: {
        ...process.env,
        PORT: '0',
        LOCAL_ACCESS_KEY_ID: 'AKIDPRINTED',
        LOCAL_SECRET_ACCESS_KEY: 'printed-secret',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const group = -(child.pid ?? 0);
    const groupAlive = () => {
      try {
        return process.kill(group, 0);
      } catch {
        return false;
      }
    };
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // 'close' waits for every process holding the output pipe: npm, tsx and the stack itself.
    const closed = once(child, 'close');
    try {
      for (let i = 0; i < 800 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
      const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';

      // Act
      process.kill(group, 'SIGINT');
      await closed;
      // A process that closed its output may take a moment more to be reaped.
      for (let i = 0; i < 400 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 25));

      // Assess
      expect(apiUrl).not.toBe('');
      expect(out).not.toContain('AKIDPRINTED');
      expect(out).not.toContain('printed-secret');
      expect(out).toMatch(/access key ID\s+AKID\*+NTED/);
      expect(out).toContain('$LOCAL_ACCESS_KEY_ID:$LOCAL_SECRET_ACCESS_KEY');
      expect(out).toContain('SIGINT: stopping');
      await expect(fetch(`${apiUrl}/groups`)).rejects.toThrow();
      expect(groupAlive()).toBe(false);
    } finally {
      if (groupAlive()) process.kill(group, 'SIGKILL');
    }
  });
});

describe('npm start shutdown', () => {
  it('finishes its cleanup through a second SIGTERM and leaves no S3 temp folder', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    delete env.LOCAL_ACCESS_KEY_ID;
    delete env.LOCAL_SECRET_ACCESS_KEY;
    const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = -(child.pid ?? 0);
    const groupAlive = () => {
      try {
        return process.kill(group, 0);
      } catch {
        return false;
      }
    };
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const closed = once(child, 'close');
    try {
      for (let i = 0; i < 800 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
      const dataDir = /data in (\S+?)\)/.exec(out)?.[1] ?? '';
      const existedBefore = dataDir !== '' && existsSync(dataDir);

      // Act
      process.kill(group, 'SIGTERM');
      for (let i = 0; i < 200 && !out.includes('SIGTERM: stopping'); i++)
        await new Promise((r) => setTimeout(r, 5));
      process.kill(group, 'SIGTERM');
      await closed;
      for (let i = 0; i < 400 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 25));

      // Assess
      expect(out).toContain(`access key ID     ${LOCAL_DEV_CREDENTIALS.accessKeyId}`);
      expect(out).toContain(LOCAL_DEV_CREDENTIALS.secretAccessKey);
      expect(existedBefore).toBe(true);
      expect(out).toContain('SIGTERM: still stopping');
      expect(out).not.toContain('taking too long');
      expect(existsSync(dataDir)).toBe(false);
      expect(groupAlive()).toBe(false);
    } finally {
      if (groupAlive()) process.kill(group, 'SIGKILL');
    }
  });
});

describe('start banner', () => {
  const stackWith = (credentialsFromEnv: boolean) =>
    ({
      apiUrl: 'http://127.0.0.1:3000',
      credentials: {
        accessKeyId: 'AKIAEXAMPLEUSERKEY12',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      credentialsFromEnv,
      s3Url: 'http://127.0.0.1:4568',
      sfnUrl: 'http://127.0.0.1:4569',
      secretsUrl: 'http://127.0.0.1:4570',
      bucket: 'b',
      upstream: { mode: 'sim', volcEndpoint: '', seedanceApiBase: '' },
    }) as unknown as LocalStack;

  it('masks credentials from the environment everywhere, and prints built-in ones in full', () => {
    // Prepare
    const fromEnv = stackWith(true);
    const builtIn = stackWith(false);

    // Act
    const masked = banner(fromEnv, '1', 10);
    const full = banner(builtIn, '1', 10);

    // Assess
    expect(masked).not.toContain('wJalrXUtnFEMI');
    expect(masked).not.toContain('EXAMPLEUSERKEY');
    expect(masked).toContain(mask('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'));
    expect(mask('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('wJal************EKEY');
    expect(full).toContain('AKIAEXAMPLEUSERKEY12:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });
});
