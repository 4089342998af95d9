/**
 * Save step memory: streams 50, 200 and 500 MB videos from the upstream simulator through the real
 * SaveVideo handler (functions/steps/video/save-video.ts) into s3rver, each size in a fresh child
 * process, and prints the child's peak RSS next to the 50 MB case. A streaming multipart upload keeps
 * the peak flat (about queueSize × partSize above the baseline); a buffering one would grow with the size.
 * Everything runs on loopback; the credentials secret comes from the local Secrets Manager endpoint.
 * Run alone: `npx tsx bench/save-step.ts` (sizes can be overridden: `-- 50 100`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VideoClient } from '../functions/core/ark';
import type { VideoJobState } from '../functions/core/video';
import { startLocalDynamo } from '../local/dynamodb/server';
import { startLocalS3 } from '../local/s3/server';
import { startSecretsEndpoint } from '../local/secrets/server';
import { SIM_DEFAULT_CREDENTIALS, startSimulator } from '../local/upstream-sim';

const MB = 1024 * 1024;
const BUCKET = 'bench-videos';
const SECRET = 'bench/upstream';
const S3_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const SIZES_MB = [50, 200, 500];

interface ChildReport {
  bytes: number;
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
}

// ---- child: one save, measured ----

async function child(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_INPUT ?? '{}') as VideoJobState;
  const { handler } = await import('../functions/steps/video/save-video');
  const { logger } = await import('../functions/shared/logger');
  logger.setLevel('warn');
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const result = await handler(input);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  // maxRSS (KiB) also catches a peak between two samples.
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const report: ChildReport = {
    bytes: result.video.bytes,
    seconds,
    baselineRssMb: baseline / MB,
    peakRssMb: peak / MB,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(report)}\n`);
}

// ---- parent: upstream, S3 and secrets on loopback; one child per size ----

function runChild(env: Record<string, string>): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) reject(new Error(`save child exited with ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildReport);
    });
  });
}

async function finishedTask(video: VideoClient, sizeMb: number): Promise<string> {
  const { id } = await video.createTask({
    model: 'doubao-seedance-2-0-260128',
    content: [{ type: 'text', text: `bench ${sizeMb} MB` }],
  });
  for (let i = 0; i < 500; i++) {
    const t = await video.getTask(id);
    if (t.status === 'succeeded') return id;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the simulator task did not finish');
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function run(sizesMb: number[] = SIZES_MB): Promise<Record<string, unknown>> {
  const sim = await startSimulator({
    port: 0,
    quiet: true,
    timeScale: 0.0001,
    taskQueuedMs: 0,
    taskRunningMs: 0,
    // One task at a time; the tier and account only need to be named.
    tier: 'basic',
    taskAccount: 'personal',
  });
  const s3 = await startLocalS3({ buckets: [BUCKET], credentials: [S3_KEYS] });
  // The save step records the video and gives back its running slot and Get-task budget in the state table.
  const table = await startLocalDynamo({ table: 'bench-save', credentials: S3_KEYS });
  const secrets = await startSecretsEndpoint({
    secrets: {
      [SECRET]: JSON.stringify({
        accessKeyId: SIM_DEFAULT_CREDENTIALS.accessKeyId,
        secretAccessKey: SIM_DEFAULT_CREDENTIALS.secretAccessKey,
        apiToken: SIM_DEFAULT_CREDENTIALS.apiToken,
      }),
    },
  });
  const video = new VideoClient({
    baseUrl: `${sim.url}/seedance`,
    apiToken: SIM_DEFAULT_CREDENTIALS.apiToken,
  });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const sizeMb of sizesMb) {
      sim.control.update({ videoBytes: sizeMb * MB });
      const taskId = await finishedTask(video, sizeMb);
      const videoId = `vid-bench${sizeMb}mb0000000000000`;
      const input: VideoJobState = {
        videoId,
        fingerprint: 'bench',
        requestedAt: new Date().toISOString(),
        request: { model: 'doubao-seedance-2-0-260128', content: [] },
        job: {
          taskId,
          taskStatus: 'succeeded',
          createAttempts: 1,
          poll: {
            startedAt: new Date().toISOString(),
            deadlineAt: new Date(Date.now() + 3_600_000).toISOString(),
            attempt: 1,
            waitUntil: new Date().toISOString(),
            waitSeconds: 1,
            pastDeadline: false,
          },
        },
      };
      const report = await runChild({
        BENCH_INPUT: JSON.stringify(input),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
        AWS_ENDPOINT_URL_S3: s3.url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
        AWS_ENDPOINT_URL_DYNAMODB: table.url,
        TABLE_NAME: table.table,
        S3_FORCE_PATH_STYLE: 'true',
        BUCKET_NAME: BUCKET,
        CREDENTIALS_SECRET_ID: SECRET,
        SEEDANCE_API_BASE: `${sim.url}/seedance`,
        VOLC_ENDPOINT: sim.url,
        LOG_LEVEL: 'warn',
      });
      if (report.bytes !== sizeMb * MB)
        throw new Error(`saved ${report.bytes} bytes, expected ${sizeMb * MB}`);
      rows.push({
        sizeMb,
        seconds: r1(report.seconds),
        mbPerSecond: r1(sizeMb / report.seconds),
        baselineRssMb: r1(report.baselineRssMb),
        peakRssMb: r1(report.peakRssMb),
        growthOverBaselineMb: r1(report.peakRssMb - report.baselineRssMb),
      });
    }
  } finally {
    await secrets.close();
    await table.close();
    await s3.close();
    await sim.close();
  }
  const first = rows[0] as { peakRssMb: number } | undefined;
  for (const r of rows) r.peakOverFirstSizeMb = first ? r1((r.peakRssMb as number) - first.peakRssMb) : 0;
  const worst = Math.max(...rows.map((r) => Math.abs(r.peakOverFirstSizeMb as number)));
  return {
    rows,
    maxPeakDifferenceFromFirstSizeMb: worst,
    notes: [
      'Each size runs in a fresh Node process; peak RSS = max of 10 ms samples and the process maxRSS.',
      'The upload buffers at most queueSize (2) × partSize (5 MiB) whatever the size; the difference from the first size stays a small constant.',
    ],
  };
}

if (process.argv.includes('--child')) {
  await child();
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const result = await run(sizes.length > 0 ? sizes : SIZES_MB);
  console.table(result.rows);
  const { rows: _rows, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
}
