import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRateLimits, parseSimArgs } from '../../local/upstream-sim/cli-options';
import { LIST_AIGC, volcCall } from './helpers/clients';

describe('npm run sim (local/upstream-sim/main.ts)', () => {
  it('prints its endpoint, the Seedance base and the credentials it accepts, and serves', async () => {
    // Prepare
    const started = performance.now();
    const child = spawn('npm', ['run', 'sim', '--', '--port', '0', '--quiet'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, VOLC_ACCESS_KEY_ID: '', VOLC_SECRET_ACCESS_KEY: '', SEEDANCE_API_TOKEN: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // Act
      const output = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('control=')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const startMs = Math.round(performance.now() - started);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
      const answer = await volcCall({ url }, 'ListAssetGroups', LIST_AIGC);

      // Assess
      console.log(`npm run sim printed its endpoint after ${startMs} ms`);
      expect(url).not.toBe('');
      expect(output).toContain(`VOLC_ENDPOINT=${url}`);
      expect(output).toContain(`SEEDANCE_API_BASE=${url}/seedance`);
      expect(output).toContain('VOLC_ACCESS_KEY_ID=AKLTSIMDEMOACCESSKEY');
      expect(output).toContain('VOLC_SECRET_ACCESS_KEY=c2ltLWRlbW8tc2VjcmV0LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=');
      expect(output).toContain('SEEDANCE_API_TOKEN=sk-sim-demo-token');
      expect(answer.status).toBe(200);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }
  });
});

describe('parseSimArgs', () => {
  it('defaults the port to 4010 and reads credentials from the clients’ variable names', () => {
    const o = parseSimArgs([], {
      VOLC_ACCESS_KEY_ID: 'AK1',
      VOLC_SECRET_ACCESS_KEY: 'SK1',
      SEEDANCE_API_TOKEN: 'sk-1',
    });
    expect(o.port).toBe(4010);
    expect(o.credentials).toEqual({
      accessKeyId: 'AK1',
      secretAccessKey: 'SK1',
      apiToken: 'sk-1',
      sessionToken: undefined,
    });
  });

  it('lets flags win over environment variables', () => {
    const env = {
      SIM_PORT: '5000',
      SIM_TIME_SCALE: '0.5',
      SIM_CREATE_ASSET_QPS: '3',
      SIM_TASK_RPM: '9',
      SIM_SEED: '1',
    };
    const o = parseSimArgs(['--port', '6000', '--time-scale', '0.01', '--create-asset-qps', '20'], env);
    expect(o).toMatchObject({
      port: 6000,
      timeScale: 0.01,
      taskRpm: 9,
      seed: 1,
      rateLimits: { CreateAsset: 20 },
    });
  });

  it('reads every setting from the environment', () => {
    const o = parseSimArgs([], {
      SIM_HOST: '0.0.0.0',
      LOCAL_TIME_SCALE: '0.1',
      SIM_RATE_LIMITS: 'GetAsset=50,*=0',
      SIM_ASSET_DELAY_MS: '100,200',
      SIM_TASK_QUEUED_MS: '10',
      SIM_TASK_RUNNING_MS: '20',
      SIM_VIDEO_BYTES: '1000000',
      SIM_LINK_TTL_MS: '5000',
      SIM_TOKEN_PROJECT: 'p',
      SIM_PUBLIC_URL: 'http://sim:4010',
      SIM_REGION: 'ap-southeast-1',
      SIM_FAULTS: '[{"action":"GetAsset","rate":0.1,"kind":"error"}]',
      SIM_ASSET_FAILURE: 'FaceMismatch',
      SIM_QUIET: '1',
      SIM_SESSION_TOKEN: 'STS',
    });
    expect(o).toMatchObject({
      host: '0.0.0.0',
      timeScale: 0.1,
      rateLimits: { GetAsset: 50, '*': 0 },
      assetDelayMs: [100, 200],
      taskQueuedMs: 10,
      taskRunningMs: 20,
      videoBytes: 1_000_000,
      linkTtlMs: 5000,
      tokenProject: 'p',
      publicUrl: 'http://sim:4010',
      region: 'ap-southeast-1',
      faults: [{ action: 'GetAsset', rate: 0.1, kind: 'error' }],
      assetFailure: 'FaceMismatch',
      quiet: true,
      credentials: { sessionToken: 'STS' },
    });
  });

  it('reads the account limits from flags and the environment (issue 12)', () => {
    const fromEnv = parseSimArgs([], {
      SIM_TIER: 'advanced',
      SIM_THROTTLE_MIX: 'http200=2,quota429=0',
      SIM_TASK_ACCOUNT: 'enterprise',
      SIM_TASK_SLOTS: '4',
      SIM_TASK_RATE_LIMITS: 'ListTasks=0',
      SIM_CALLBACKS: '0',
      SIM_TOKEN_GROUPS: 'default,vip',
    });
    const fromFlags = parseSimArgs(
      ['--tier', 'premium', '--throttle-mix', 'http429=1', '--no-callbacks', '--token-groups', 'SeeDance2'],
      { SIM_TIER: 'basic' },
    );
    const plain = parseSimArgs([], {});
    expect(fromEnv).toMatchObject({
      tier: 'advanced',
      throttleMix: { http200: 2, quota429: 0 },
      taskAccount: 'enterprise',
      taskSlots: 4,
      taskRateLimits: { ListTasks: 0 },
      callbacks: false,
      tokenGroups: ['default', 'vip'],
    });
    expect(fromFlags).toMatchObject({
      tier: 'premium',
      throttleMix: { http429: 1 },
      callbacks: false,
      tokenGroups: ['SeeDance2'],
    });
    // Unset: the simulator's defaults apply (basic, callbacks on).
    expect(plain.tier).toBeUndefined();
    expect(plain.callbacks).toBeUndefined();
    expect(() => parseSimArgs(['--tier', 'gold'], {})).toThrow();
    expect(() => parseSimArgs([], { SIM_THROTTLE_MIX: 'http500=1' })).toThrow();
    expect(() => parseSimArgs(['--task-account', 'team'], {})).toThrow();
  });

  it('rejects bad values', () => {
    expect(() => parseSimArgs(['--time-scale', 'fast'], {})).toThrow();
    expect(() => parseSimArgs(['--faults', '{"not":"an array"}'], {})).toThrow();
    expect(() => parseRateLimits('GetAsset')).toThrow();
  });
});
