/**
 * Module initialisation time in a fresh Node process: each sample spawns `node` on a tiny runner that
 * wraps `await import(bundle)` in performance.now(), so nothing is warm (no module cache, no JIT, no
 * compile cache), as in a Lambda cold start.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const RUNNER = `
const url = process.argv[2];
const t0 = performance.now();
const mod = await import(url);
const ms = performance.now() - t0;
const mem = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, handler: typeof mod.handler, rssMb: mem.rss / 1048576, heapMb: mem.heapUsed / 1048576 }));
process.exit(0);
`;

export interface ImportSample {
  ms: number;
  rssMb: number;
  heapMb: number;
}

export function writeRunner(dir: string): string {
  const file = join(dir, 'fresh-import-runner.mjs');
  writeFileSync(file, RUNNER);
  return file;
}

/**
 * What a Lambda sees at init: its configuration in the environment and dummy credentials (the SDK
 * reads none at import anyway). No NODE_OPTIONS, no compile cache.
 */
export function lambdaLikeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    TZ: 'UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-example',
    CREDENTIALS_SECRET_ID: 'seedance/bench',
    BUCKET_NAME: 'bench-bucket',
    INGEST_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:ingest',
    VIDEO_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:video',
    LOG_LEVEL: 'error',
    ...extra,
  };
}

export async function freshImport(
  runner: string,
  moduleFile: string,
  env: Record<string, string>,
  cwd: string,
): Promise<ImportSample> {
  const { stdout } = await run(process.execPath, [runner, pathToFileURL(moduleFile).href], {
    env,
    cwd,
    timeout: 60_000,
    maxBuffer: 1 << 20,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(last) as { ms: number; handler: string; rssMb: number; heapMb: number };
  if (parsed.handler !== 'function') throw new Error(`${moduleFile} exports no handler function`);
  return { ms: parsed.ms, rssMb: parsed.rssMb, heapMb: parsed.heapMb };
}
