/**
 * The console's static assets, built from console/ with esbuild (already the project's bundler) into
 * memory on first request: nothing to commit, nothing fetched at run time, and the page bundles the
 * API's own rules module (functions/core/video/rules.ts and the request schemas).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface Asset {
  contentType: string;
  body: Buffer;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONSOLE_DIR = resolve(REPO_ROOT, 'console');

let assets: Promise<Map<string, Asset>> | undefined;

async function buildAssets(): Promise<Map<string, Asset>> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { app: resolve(CONSOLE_DIR, 'src/main.tsx') },
    bundle: true,
    write: false,
    outdir: 'console-dist',
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = new Map<string, Asset>();
  for (const f of result.outputFiles) {
    const name = f.path.replace(/^.*[\\/]/, '');
    const contentType = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    out.set(name, { contentType, body: Buffer.from(f.contents) });
  }
  out.set('index.html', {
    contentType: 'text/html; charset=utf-8',
    body: await readFile(resolve(CONSOLE_DIR, 'index.html')),
  });
  return out;
}

/** The built assets by file name (`index.html`, `app.js`, `app.css`); built once per process. */
export function consoleAssets(): Promise<Map<string, Asset>> {
  assets ??= buildAssets().catch((e: unknown) => {
    assets = undefined; // a later request tries again (e.g. after fixing a syntax error)
    throw e;
  });
  return assets;
}
