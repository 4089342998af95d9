/**
 * Every Lambda handler module the stack deploys: the route table, the workflow steps, and the S3
 * trigger / scheduled functions found on disk. Modules listed but not written yet are reported as
 * missing rather than failing the benchmark, since the pieces land in parallel.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../../lib/routes';
import { workflows } from '../../lib/workflows';
import { REPO_ROOT } from './paths';

export type HandlerKind = 'route' | 'step' | 'trigger' | 'scheduled';

export interface HandlerModule {
  /** Short name: the route name, the step substitution without `FunctionArn`, or the file stem. */
  name: string;
  kind: HandlerKind;
  /** Module path from the repository root. */
  module: string;
  memoryMb: number;
}

function modulesIn(dir: string): string[] {
  const abs = join(REPO_ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => /\.ts$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .map((f) => `${dir}/${f}`)
    .filter((m) =>
      /export\s+(const|async\s+function|function)\s+handler\b/.test(readFileSync(join(REPO_ROOT, m), 'utf8')),
    )
    .sort();
}

export function listHandlers(): HandlerModule[] {
  const out: HandlerModule[] = [];
  for (const r of routes) out.push({ name: r.name, kind: 'route', module: r.handler, memoryMb: 256 });
  for (const w of workflows)
    for (const s of w.steps)
      out.push({
        name: `${w.name}:${s.substitution.replace(/FunctionArn$/, '')}`,
        kind: 'step',
        module: s.handler,
        memoryMb: s.memoryMb ?? 256,
      });
  for (const m of modulesIn('functions/triggers'))
    out.push({ name: stem(m), kind: 'trigger', module: m, memoryMb: 256 });
  for (const m of modulesIn('functions/scheduled'))
    out.push({ name: stem(m), kind: 'scheduled', module: m, memoryMb: 256 });
  // One module may serve two names; bundle it once.
  const seen = new Set<string>();
  return out.filter((h) => (seen.has(h.module) ? false : (seen.add(h.module), true)));
}

function stem(modulePath: string): string {
  return (modulePath.split('/').pop() ?? modulePath).replace(/\.ts$/, '');
}

export function splitExisting(handlers: readonly HandlerModule[]): {
  present: HandlerModule[];
  missing: HandlerModule[];
} {
  const present: HandlerModule[] = [];
  const missing: HandlerModule[] = [];
  for (const h of handlers) (existsSync(join(REPO_ROOT, h.module)) ? present : missing).push(h);
  return { present, missing };
}
