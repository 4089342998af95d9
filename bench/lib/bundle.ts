/**
 * Bundles a handler exactly as the stack does: the NodejsFunction BundlingOptions come from
 * lib/constructs/handler-function.ts and are translated to esbuild's API the way aws-cdk-lib's
 * Bundling.buildEsbuildArgs translates them to CLI flags (plus a metafile, which only adds a report).
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundlingOptions } from '../../lib/constructs/handler-function';
import { REPO_ROOT } from './paths';

/** NodejsFunction's default when externalModules is unset: the runtime's SDK v3 stays external. */
const DEFAULT_EXTERNALS = ['@aws-sdk/*'];

/** `esbuildArgs: {'--alias': ['pkg=/path', ...]}` as esbuild's `alias`; any other argument is refused. */
function aliasesFrom(args: BundlingOptions['esbuildArgs']): Record<string, string> | undefined {
  if (args === undefined) return undefined;
  const other = Object.keys(args).filter((k) => k !== '--alias');
  if (other.length > 0) throw new Error(`bench cannot reproduce esbuild arguments: ${other.join(', ')}`);
  const raw = args['--alias'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return Object.fromEntries(
    list.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

export function esbuildOptionsFrom(b: BundlingOptions): BuildOptions {
  const unsupported = (['commandHooks', 'nodeModules', 'preCompilation', 'inject'] as const).filter(
    (k) => b[k] !== undefined && !(Array.isArray(b[k]) && b[k].length === 0),
  );
  if (unsupported.length > 0)
    throw new Error(`bench cannot reproduce bundling options: ${unsupported.join(', ')}`);
  return {
    bundle: true,
    platform: 'node',
    target: b.target ?? 'node24',
    format: b.format === 'esm' ? 'esm' : 'cjs',
    minify: b.minify ?? false,
    sourcemap: b.sourceMap ?? false,
    external: b.externalModules ?? (b.bundleAwsSDK ? [] : DEFAULT_EXTERNALS),
    loader: b.loader as BuildOptions['loader'],
    define: b.define,
    keepNames: b.keepNames ?? false,
    tsconfig: b.tsconfig,
    banner: b.banner ? { js: b.banner } : undefined,
    footer: b.footer ? { js: b.footer } : undefined,
    mainFields: b.mainFields,
    alias: aliasesFrom(b.esbuildArgs),
    logLevel: 'error',
    metafile: true,
  };
}

/** The stack's bundling options as esbuild options, and whether the SDK is bundled or left to the runtime. */
export function stackEsbuildOptions(): { options: BuildOptions; sdkExternal: boolean } {
  const options = esbuildOptionsFrom(bundlingOptions());
  const sdkExternal = (options.external ?? []).some((e) => e.startsWith('@aws-sdk'));
  return { options, sdkExternal };
}

export interface BundleResult {
  outfile: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
  buildMs: number;
}

export async function bundleHandler(
  entry: string,
  outDir: string,
  options: BuildOptions,
): Promise<BundleResult> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const t0 = performance.now();
  const result = await build({
    ...options,
    absWorkingDir: options.absWorkingDir ?? REPO_ROOT,
    entryPoints: [entry],
    outfile,
    write: true,
  });
  const buildMs = performance.now() - t0;
  if (!result.metafile) throw new Error('esbuild returned no metafile');
  return {
    outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    metafile: result.metafile,
    buildMs,
  };
}

export interface Contributor {
  name: string;
  bytes: number;
}

/**
 * Output bytes per package: `node_modules/@scope/pkg/...` → `@scope/pkg` (the innermost node_modules,
 * so a nested copy counts under its own name), project files → their first three path segments.
 */
export function packageOf(inputPath: string): string {
  const nm = inputPath.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = inputPath.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? inputPath);
  }
  if (inputPath.startsWith('<')) return '(esbuild runtime)';
  return inputPath.split('/').slice(0, 3).join('/');
}

export function contributors(metafile: Metafile): Contributor[] {
  const totals = new Map<string, number>();
  for (const out of Object.values(metafile.outputs))
    for (const [path, { bytesInOutput }] of Object.entries(out.inputs))
      totals.set(packageOf(path), (totals.get(packageOf(path)) ?? 0) + bytesInOutput);
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** AWS SDK family share: @aws-sdk, @smithy, @aws-crypto and their helpers. */
export function isAwsSdkPackage(name: string): boolean {
  return /^@(aws-sdk|smithy|aws-crypto|aws)\//.test(name) || name === 'bowser' || name === 'fast-xml-parser';
}
