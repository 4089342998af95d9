/**
 * Runs one benchmark module in this (fresh) process: `node --import tsx bench/lib/child-run.ts
 * <module> <result.json>`. The result goes to a file, not stdout, so the module's own logging cannot
 * corrupt it; the process exits when done so a forgotten handle cannot hang the run.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type BenchModule = { run?: () => Promise<Record<string, unknown>> };

const [modulePath, resultPath] = process.argv.slice(2);
if (!modulePath || !resultPath) {
  console.error('usage: child-run.ts <module> <result.json>');
  process.exit(2);
}
try {
  const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as BenchModule;
  if (typeof mod.run !== 'function') throw new Error(`${modulePath} exports no run()`);
  const t0 = performance.now();
  const result = await mod.run();
  writeFileSync(resultPath, JSON.stringify({ ok: true, result, elapsedMs: performance.now() - t0 }));
  process.exit(0);
} catch (e) {
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  writeFileSync(resultPath, JSON.stringify({ ok: false, error: message }));
  console.error(message);
  process.exit(1);
}
