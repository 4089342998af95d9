/**
 * Cold start per Lambda: bundle each handler module the way the stack does (lib/constructs/
 * handler-function.ts), report its size and largest contributors (metafile, by package), and time
 * module initialisation in fresh Node processes against an empty bundle measured in the same run,
 * samples interleaved so machine noise hits both alike.
 *
 * Variant: the same handlers with @aws-sdk/* left external and resolved from node_modules, which is how
 * a Lambda that relies on the runtime's SDK would load; it checks the stack's choice to bundle the SDK.
 *
 * Baseline (BENCH_COLD_BASELINE=<git ref>, off by default): each handler also bundled from that commit
 * (`git archive`, the same node_modules, that commit's own bundling options) and sampled in the same
 * round-robin, so a before → after per handler is measured under one machine load.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import {
  bundleHandler,
  contributors,
  esbuildOptionsFrom,
  isAwsSdkPackage,
  stackEsbuildOptions,
  type BundleResult,
} from './lib/bundle';
import type { bundlingOptions } from '../lib/constructs/handler-function';
import { freshImport, lambdaLikeEnv, writeRunner, type ImportSample } from './lib/fresh-import';
import { listHandlers, splitExisting, type HandlerModule } from './lib/handlers';
import { REPO_ROOT } from './lib/paths';
import { kib, median, round } from './lib/stats';

const RUNS = Math.max(5, Number(process.env.BENCH_COLD_RUNS ?? 7));
const SDK_EXTERNAL_VARIANT = process.env.BENCH_COLD_SDK_EXTERNAL !== '0';
const BASELINE_REF = process.env.BENCH_COLD_BASELINE;

/** The handlers of `ref` bundled with that commit's own bundling options, from a `git archive` copy. */
async function baselineTargets(ref: string, handlers: HandlerModule[], root: string): Promise<Target[]> {
  const src = join(root, 'src');
  mkdirSync(src, { recursive: true });
  const tar = execFileSync('git', ['archive', ref], { cwd: REPO_ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', src], { input: tar });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(src, 'node_modules'));
  const mod = (await import(pathToFileURL(join(src, 'lib/constructs/handler-function.ts')).href)) as {
    bundlingOptions: typeof bundlingOptions;
  };
  const options = { ...esbuildOptionsFrom(mod.bundlingOptions()), absWorkingDir: src };
  const out: Target[] = [];
  for (const h of handlers) {
    if (!existsSync(join(src, h.module))) continue;
    const bundle = await bundleHandler(
      join(src, h.module),
      join(root, 'out', h.name.replace(/[^\w-]/g, '_')),
      options,
    );
    out.push({ name: h.name, bundle, samples: [] });
  }
  return out;
}

interface Target {
  name: string;
  bundle: BundleResult;
  samples: ImportSample[];
}

function shortList(bundle: BundleResult, top = 4): string {
  return contributors(bundle.metafile)
    .slice(0, top)
    .map((c) => `${c.name} ${kib(c.bytes)} KiB (${Math.round((100 * c.bytes) / bundle.bytes)}%)`)
    .join('; ');
}

function sdkShare(bundle: BundleResult): number {
  const sdk = contributors(bundle.metafile)
    .filter((c) => isAwsSdkPackage(c.name))
    .reduce((a, c) => a + c.bytes, 0);
  return sdk / bundle.bytes;
}

/** Samples every target RUNS times, round-robin, one fresh process at a time. */
async function sampleAll(targets: Target[], runner: string, cwd: string): Promise<void> {
  const env = lambdaLikeEnv();
  for (let r = 0; r < RUNS; r++)
    for (const t of targets) t.samples.push(await freshImport(runner, t.bundle.outfile, env, cwd));
}

async function bundleAll(
  handlers: HandlerModule[],
  root: string,
  options: BuildOptions,
): Promise<{ targets: Target[]; failures: { name: string; error: string }[] }> {
  const targets: Target[] = [];
  const failures: { name: string; error: string }[] = [];
  mkdirSync(root, { recursive: true });
  const emptyEntry = join(root, 'empty-entry.ts');
  writeFileSync(emptyEntry, 'export const handler = async (): Promise<unknown> => ({});\n');
  targets.push({
    name: '(empty)',
    bundle: await bundleHandler(emptyEntry, join(root, 'empty'), options),
    samples: [],
  });
  for (const h of handlers) {
    try {
      const bundle = await bundleHandler(
        join(REPO_ROOT, h.module),
        join(root, h.name.replace(/[^\w-]/g, '_')),
        options,
      );
      targets.push({ name: h.name, bundle, samples: [] });
    } catch (e) {
      failures.push({
        name: h.name,
        error: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '',
      });
    }
  }
  return { targets, failures };
}

export async function run(): Promise<Record<string, unknown>> {
  const { options, sdkExternal } = stackEsbuildOptions();
  const { present, missing } = splitExisting(listHandlers());
  // Outside the repository: a bundle that still needs node_modules fails to import, as it would on Lambda.
  const isolated = mkdtempSync(join(tmpdir(), 'seedance-cold-'));
  // Inside node_modules/.cache: the SDK-external variant resolves @aws-sdk/* from the repository.
  const resolvable = join(REPO_ROOT, 'node_modules', '.cache', 'seedance-bench-cold');
  rmSync(resolvable, { recursive: true, force: true });
  mkdirSync(resolvable, { recursive: true });
  try {
    const runner = writeRunner(isolated);
    const stack = await bundleAll(present, join(isolated, 'stack'), options);
    const importFailures: { name: string; error: string }[] = [];
    const measurable: Target[] = [];
    for (const t of stack.targets) {
      try {
        await freshImport(runner, t.bundle.outfile, lambdaLikeEnv(), isolated);
        measurable.push(t);
      } catch (e) {
        importFailures.push({
          name: t.name,
          error: (e instanceof Error ? e.message : String(e)).slice(0, 300),
        });
      }
    }
    const baseline = BASELINE_REF
      ? await baselineTargets(BASELINE_REF, present, join(isolated, 'baseline'))
      : [];
    // Baseline bundles sit outside the repository too; they are sampled in the same round-robin.
    await sampleAll([...measurable, ...baseline], runner, isolated);

    let variant: Target[] = [];
    if (SDK_EXTERNAL_VARIANT && !sdkExternal) {
      const ext = await bundleAll(present, resolvable, { ...options, external: ['@aws-sdk/*'] });
      variant = ext.targets.filter((t) => measurable.some((m) => m.name === t.name));
      await sampleAll(variant, runner, resolvable);
    }

    const empty = measurable.find((t) => t.name === '(empty)');
    const emptyMs = empty ? median(empty.samples.map((s) => s.ms)) : Number.NaN;
    const emptyRss = empty ? median(empty.samples.map((s) => s.rssMb)) : Number.NaN;
    const rows = measurable
      .filter((t) => t !== empty)
      .map((t) => {
        const initMs = median(t.samples.map((s) => s.ms));
        const before = baseline.find((x) => x.name === t.name);
        const v = variant.find((x) => x.name === t.name);
        const extMs = v ? median(v.samples.map((s) => s.ms)) : undefined;
        return {
          handler: t.name,
          bundleKiB: kib(t.bundle.bytes),
          gzipKiB: kib(t.bundle.gzipBytes),
          initMs: round(initMs, 1),
          overEmptyMs: round(initMs - emptyMs, 1),
          rssOverEmptyMb: round(median(t.samples.map((s) => s.rssMb)) - emptyRss, 1),
          sdkShare: `${Math.round(100 * sdkShare(t.bundle))}%`,
          ...(extMs !== undefined ? { initSdkExternalMs: round(extMs, 1) } : {}),
          ...(before
            ? {
                baselineBundleKiB: kib(before.bundle.bytes),
                baselineInitMs: round(median(before.samples.map((s) => s.ms)), 1),
              }
            : {}),
          largestContributors: shortList(t.bundle),
        };
      })
      .sort((a, b) => b.bundleKiB - a.bundleKiB);

    const inits = rows.map((r) => r.initMs);
    const sizes = rows.map((r) => r.bundleKiB);
    const extRows = rows.filter((r) => r.initSdkExternalMs !== undefined);
    const baseRows = rows.filter((r) => r.baselineInitMs !== undefined);
    return {
      title: 'Cold start (bundle size and module initialisation)',
      notes: [
        `Each handler bundled with the stack's own NodejsFunction options (lib/constructs/handler-function.ts bundlingOptions(): ESM, minified, target ${String(options.target)}, ${sdkExternal ? '@aws-sdk external (loaded from the Lambda runtime)' : 'AWS SDK bundled, nothing external'}).`,
        `Init = performance.now() around \`await import(bundle)\` in a fresh \`node\` process (${process.version}), median of ${RUNS} runs, interleaved with an empty bundle built with the same options; "over empty" subtracts the empty bundle's median from the same run.`,
        'Bundles are written outside the repository, so an unresolved import would fail here as it would on Lambda.',
        ...(extRows.length > 0
          ? [
              'initSdkExternalMs: the same handler with @aws-sdk/* left external and resolved from node_modules (how it would load from the runtime-provided SDK).',
            ]
          : []),
        ...(baseRows.length > 0
          ? [
              `baseline: the same handlers bundled from ${BASELINE_REF} (its own bundling options) and sampled in the same round-robin; baselineBundleKiB / baselineInitMs per handler.`,
            ]
          : []),
        ...(missing.length > 0
          ? [`Not yet written (skipped): ${missing.map((m) => m.module).join(', ')}.`]
          : []),
      ],
      handlersMeasured: rows.length,
      emptyModuleInitMs: round(emptyMs, 2),
      medianInitMs: round(median(inits), 1),
      maxInitMs: round(Math.max(...inits), 1),
      medianBundleKiB: round(median(sizes), 1),
      maxBundleKiB: round(Math.max(...sizes), 1),
      ...(extRows.length > 0
        ? { medianInitSdkExternalMs: round(median(extRows.map((r) => r.initSdkExternalMs as number)), 1) }
        : {}),
      ...(baseRows.length > 0
        ? {
            baselineRef: BASELINE_REF,
            baselineMedianInitMs: round(median(baseRows.map((r) => r.baselineInitMs as number)), 1),
            baselineMedianBundleKiB: round(median(baseRows.map((r) => r.baselineBundleKiB as number)), 1),
          }
        : {}),
      runsPerHandler: RUNS,
      perHandler: rows,
      ...(stack.failures.length + importFailures.length > 0
        ? { failures: [...stack.failures, ...importFailures] }
        : {}),
    };
  } finally {
    rmSync(isolated, { recursive: true, force: true });
    rmSync(resolvable, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
