/**
 * Local stack start-up and API overhead: wall time from spawning `npm start`'s entry to its ready
 * banner (target < 5 s), in-process `startLocalStack` time, and the round trip of a SigV4-signed
 * request through the local API to a no-op handler (verification + proxy-event building).
 * Run alone: `npx tsx bench/local-stack.ts`.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createSigner } from '../cli/signing';
import { routes } from '../lib/routes';
import { startLocalApi } from '../local/api/server';
import { startLocalStack } from '../local/start';
import { REPO_ROOT } from './lib/paths';
import { summarize } from './lib/stats';

const DEV = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

function spawnUntilReady(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ctrl-C')) {
        const ms = performance.now() - t0;
        child.once('exit', () => resolve(ms));
        child.kill('SIGINT');
      }
    });
    child.once('error', reject);
  });
}

async function signedRoundTrips(n: number): Promise<number[]> {
  const api = await startLocalApi({
    credentials: DEV,
    port: 0,
    handlers: { listGroups: async () => ({ statusCode: 200, body: '{}' }) },
  });
  const sign = createSigner({ credentials: DEV, region: 'us-east-1' });
  const url = new URL('/groups', api.url);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: await sign({ method: 'GET', url, headers: {} }) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`unexpected status ${res.status}`);
      samples.push(performance.now() - t0);
    }
  } finally {
    await api.close();
  }
  return samples.slice(10); // the first requests warm the JIT and the connection
}

export async function run(): Promise<Record<string, unknown>> {
  const spawned: number[] = [];
  for (let i = 0; i < 3; i++) spawned.push(await spawnUntilReady());
  const inProcess: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const stack = await startLocalStack({
      port: 0,
      env: {},
      upstream: 'sim',
      credentials: DEV,
      simulator: { tier: 'basic' },
    });
    inProcess.push(performance.now() - t0);
    await stack.close();
  }
  const trips = await signedRoundTrips(210);
  return {
    routes: routes.length,
    npmStartToReadyMs: summarize(spawned),
    startLocalStackMs: summarize(inProcess),
    signedRequestRoundTripMs: summarize(trips),
    notes: [
      'npm start to ready: process spawn (node + tsx) until the banner, 3 runs; target < 5000 ms.',
      'startLocalStack: simulator, s3rver, secrets, Step Functions endpoint and API, in an already warm process.',
      'Signed round trip: SigV4 signing by the client, verification by the local API, a no-op handler; 200 requests after 10 warm-up.',
    ],
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
