/**
 * `npm run bench`: runs every benchmark, each in a fresh child process (memory and timing figures must
 * not inherit another benchmark's heap, JIT or open handles), and writes BENCHMARKS.md with the machine
 * and settings. Options: `--only a,b` (ids below; bare ids work too: `npm run bench -- real-limits`) and
 * `--out <file>` (default BENCHMARKS.md). A run of only some benchmarks into BENCHMARKS.md replaces just
 * their sections and rows there and keeps the others (see bench/lib/merge.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FIX_LOG } from './lib/fixes';
import { describeMachine } from './lib/machine';
import { label, renderRecord, table, type Cell } from './lib/markdown';
import { mergeBenchmarks } from './lib/merge';
import { REPO_ROOT } from './lib/paths';

interface Benchmark {
  id: string;
  module: string;
  title: string;
  /** Hard stop for this benchmark's child process. */
  timeoutMs: number;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    id: 'throughput',
    module: 'bench/throughput.ts',
    title: 'Throughput under upstream rate limits',
    timeoutMs: 7 * 60_000,
  },
  { id: 'cold-start', module: 'bench/cold-start.ts', title: 'Cold start', timeoutMs: 10 * 60_000 },
  {
    id: 'upload-validation',
    module: 'bench/upload-validation.ts',
    title: 'Upload validation: bytes read',
    timeoutMs: 2 * 60_000,
  },
  {
    id: 'media-validation',
    module: 'bench/media-validation.ts',
    title: 'Media validation: ranged reads of videos and audio',
    timeoutMs: 2 * 60_000,
  },
  { id: 'save-step', module: 'bench/save-step.ts', title: 'Video save step: memory', timeoutMs: 2 * 60_000 },
  { id: 'polling', module: 'bench/polling.ts', title: 'Polls per job', timeoutMs: 2 * 60_000 },
  {
    id: 'notice-delay',
    module: 'bench/notice-delay.ts',
    title: 'Notice delay and GETs per video: polling only vs upstream callbacks (real pacing)',
    timeoutMs: 8 * 60_000,
  },
  { id: 'local-stack', module: 'bench/local-stack.ts', title: 'Local stack start-up', timeoutMs: 2 * 60_000 },
  {
    id: 'real-limits',
    module: 'bench/real-limits.ts',
    title:
      'Real limits: upload bursts against the per-minute CreateAsset quota of each tier, and a video burst on 3 slots',
    timeoutMs: 12 * 60_000,
  },
  {
    id: 'real-limits-advanced',
    module: 'bench/real-limits-advanced.ts',
    title: 'Real limits at advanced: 300 uploads against 120 CreateAsset per minute (time scale 0.5)',
    timeoutMs: 8 * 60_000,
  },
  {
    id: 'status-reads',
    module: 'bench/status-reads.ts',
    title: 'Status reads: per second, and Step Functions calls per read',
    timeoutMs: 3 * 60_000,
  },
];

type Outcome =
  | { status: 'ok'; result: Record<string, unknown>; elapsedMs: number }
  | { status: 'failed'; error: string; elapsedMs: number }
  | { status: 'missing'; elapsedMs: 0 };

function runChild(
  b: Benchmark,
  resultFile: string,
): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/lib/child-run.ts', b.module, resultFile],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, b.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

async function runOne(b: Benchmark, dir: string): Promise<Outcome> {
  if (!existsSync(join(REPO_ROOT, b.module))) return { status: 'missing', elapsedMs: 0 };
  const resultFile = join(dir, `${b.id}.json`);
  const t0 = performance.now();
  const { code, stderr, timedOut } = await runChild(b, resultFile);
  const elapsedMs = performance.now() - t0;
  if (timedOut) return { status: 'failed', error: `timed out after ${b.timeoutMs / 1000} s`, elapsedMs };
  if (!existsSync(resultFile))
    return {
      status: 'failed',
      error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
      elapsedMs,
    };
  const parsed = JSON.parse(readFileSync(resultFile, 'utf8')) as
    { ok: true; result: Record<string, unknown> } | { ok: false; error: string };
  return parsed.ok
    ? { status: 'ok', result: parsed.result, elapsedMs }
    : { status: 'failed', error: parsed.error.split('\n').slice(0, 3).join(' '), elapsedMs };
}

/** The figures a benchmark names in `headline` (keys), else its first six scalar figures. */
function headline(result: Record<string, unknown>, max = 6): [string, Cell][] {
  const scalar = (v: unknown): v is Cell => ['number', 'boolean', 'string'].includes(typeof v);
  const named = Array.isArray(result.headline) ? result.headline.filter((k) => typeof k === 'string') : [];
  const keys =
    named.length > 0
      ? named.filter((k) => scalar(result[k]))
      : Object.keys(result)
          .filter((k) => k !== 'title' && scalar(result[k]))
          .slice(0, max);
  return keys.map((k) => [label(k), result[k] as Cell]);
}

function render(
  outcomes: { b: Benchmark; o: Outcome }[],
  startedAt: Date,
  totalMs: number,
  machine: ReturnType<typeof describeMachine>,
): string {
  const benchEnv = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v ?? ''}`);
  const parts: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${startedAt.toISOString()}; the whole run took ${(totalMs / 1000).toFixed(0)} s.`,
    'Each benchmark ran in its own fresh Node process; every figure is compared with a reference measured in the same run (see each section).',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      Object.entries(machine).map(([k, v]) => [label(k), v]),
    ),
    '',
    '## Settings',
    '',
    table(
      ['benchmark', 'module', 'status', 'time (s)'],
      outcomes.map(({ b, o }) => [b.id, b.module, o.status, (o.elapsedMs / 1000).toFixed(1)]),
    ),
    '',
    benchEnv.length > 0
      ? `Overrides: ${benchEnv.map((e) => `\`${e}\``).join(', ')}.`
      : 'No BENCH_* overrides (defaults).',
    '',
    '## Headline figures',
    '',
    table(
      ['benchmark', 'figure', 'value'],
      outcomes.flatMap(({ b, o }) =>
        o.status === 'ok'
          ? headline(o.result).map(([k, v]) => [b.id, k, v] as Cell[])
          : [[b.id, o.status, o.status === 'failed' ? o.error.slice(0, 200) : 'module not present']],
      ),
    ),
    '',
  ];
  for (const { b, o } of outcomes) {
    if (o.status === 'ok') {
      const title = typeof o.result.title === 'string' ? o.result.title : b.title;
      parts.push(renderRecord(`${b.id}: ${title}`, o.result), '');
    } else {
      parts.push(
        `## ${b.id}: ${b.title}`,
        '',
        o.status === 'missing' ? `Not run: ${b.module} does not exist.` : `Failed: ${o.error}`,
        '',
      );
    }
  }
  if (FIX_LOG.length > 0) {
    parts.push(
      '## Fixes made from these numbers',
      '',
      'Recorded when each fix was made (same machine, back-to-back runs of the benchmark named), not re-measured by this run.',
      '',
      table(
        ['fix', 'figure', 'before', 'after', 'files'],
        FIX_LOG.map((f) => [f.fix, f.figure, f.before, f.after, f.files]),
      ),
      '',
    );
  }
  return `${parts
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

const DEFAULT_OUT = join(REPO_ROOT, 'BENCHMARKS.md');

function parseArgs(argv: string[]): { only?: string[]; out: string } {
  let only: string[] | undefined;
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--only') only = [...(only ?? []), ...(argv[++i] ?? '').split(',').filter(Boolean)];
    else if (arg === '--out') out = argv[++i] ?? out;
    else if (!arg.startsWith('--')) only = [...(only ?? []), ...arg.split(',').filter(Boolean)];
  }
  const unknown = (only ?? []).filter((id) => !BENCHMARKS.some((b) => b.id === id));
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`,
    );
  return { only, out };
}

async function main(): Promise<void> {
  const { only, out } = parseArgs(process.argv.slice(2));
  const selected = BENCHMARKS.filter((b) => !only || only.includes(b.id));
  const machine = describeMachine();
  const startedAt = new Date();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'seedance-bench-'));
  const outcomes: { b: Benchmark; o: Outcome }[] = [];
  try {
    for (const b of selected) {
      console.error(`[bench] ${b.id} …`);
      const o = await runOne(b, dir);
      console.error(`[bench] ${b.id}: ${o.status} in ${(o.elapsedMs / 1000).toFixed(1)} s`);
      outcomes.push({ b, o });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rendered = render(outcomes, startedAt, performance.now() - t0, machine);
  const partial = only !== undefined && out === DEFAULT_OUT && existsSync(out);
  writeFileSync(
    out,
    partial
      ? mergeBenchmarks(
          readFileSync(out, 'utf8'),
          rendered,
          selected.map((b) => b.id),
          BENCHMARKS.map((b) => b.id),
          startedAt,
        )
      : rendered,
  );
  console.error(
    `[bench] wrote ${relative(process.cwd(), out)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  if (outcomes.some(({ o }) => o.status === 'failed')) process.exitCode = 1;
}

await main();
