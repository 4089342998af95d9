// What each Lambda bundle carries, from esbuild's metafile with the stack's own bundling options
// (bench/lib/bundle.ts): the lean-bundle choices of issue 18 held as properties, so an import that
// drags a client back into a bundle that cannot use it fails here rather than in the cold-start bench.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler, contributors, stackEsbuildOptions } from '../../bench/lib/bundle';
import { REPO_ROOT } from '../../lib/constructs/handler-function';
import { routes, type Access } from '../../lib/routes';

const STEPS = {
  awaitCallback: 'functions/steps/video/await-callback.ts',
  reschedulePoll: 'functions/steps/video/reschedule-poll.ts',
};
/** The accesses whose handler reads a Secrets Manager secret (functions/shared/credentials.ts). */
const SECRET_ACCESS: readonly Access[] = ['upstream', 'callback:verify', 'webhook:seal'];

let outdir: string;
const packages = new Map<string, Set<string>>();
const inputs = new Map<string, string[]>();

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-bundle-contents-'));
  const { options } = stackEsbuildOptions();
  const modules = [...new Set([...routes.map((r) => r.handler), ...Object.values(STEPS)])];
  for (const [i, m] of modules.entries()) {
    const b = await bundleHandler(path.join(REPO_ROOT, m), path.join(outdir, String(i)), options);
    packages.set(m, new Set(contributors(b.metafile).map((c) => c.name)));
    inputs.set(
      m,
      Object.values(b.metafile.outputs).flatMap((o) =>
        Object.entries(o.inputs)
          .filter(([, v]) => v.bytesInOutput > 0)
          .map(([p]) => p),
      ),
    );
  }
}, 180_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

const has = (module: string, pkg: string): boolean => packages.get(module)?.has(pkg) ?? false;

describe('Lambda bundle contents', () => {
  it('no route bundles classic zod: the request schemas are zod/mini', () => {
    // Act
    const classic = routes.filter((r) =>
      (inputs.get(r.handler) ?? []).some((p) => p.includes('zod/v4/classic')),
    );
    // Assess
    expect(classic.map((r) => r.name)).toEqual([]);
  });

  it('a route bundles the Secrets Manager client exactly when its access reads a secret', () => {
    // Act
    const wrong = routes
      .filter(
        (r) =>
          has(r.handler, '@aws-sdk/client-secrets-manager') !==
          r.access.some((a) => SECRET_ACCESS.includes(a)),
      )
      .map((r) => r.name);
    // Assess
    expect(wrong).toEqual([]);
  });

  it('a route that only reads the state table bundles no EventBridge client and no Metrics', () => {
    // Prepare
    const readOnly = routes.filter((r) => r.access.length === 1 && r.access[0] === 'records:read');
    // Act
    const heavy = readOnly.filter(
      (r) =>
        has(r.handler, '@aws-sdk/client-eventbridge') || has(r.handler, '@aws-lambda-powertools/metrics'),
    );
    // Assess
    expect(readOnly.length).toBeGreaterThan(3);
    expect(heavy.map((r) => r.name)).toEqual([]);
  });

  it('a route bundles its own area of the route table (lib/route-rows/), not the whole table', () => {
    // Act
    const areas = routes.map((r) => ({
      name: r.name,
      rows: (inputs.get(r.handler) ?? []).filter(
        (p) => p === 'lib/routes.ts' || (p.startsWith('lib/route-rows/') && p !== 'lib/route-rows/row.ts'),
      ),
    }));
    // Assess
    for (const a of areas) expect(a.rows, a.name).toHaveLength(1);
    expect(areas.filter((a) => a.rows.includes('lib/routes.ts')).map((a) => a.name)).toEqual([]);
  });

  it('video steps that never call upstream bundle no Secrets Manager client', () => {
    // Assess
    expect(has(STEPS.awaitCallback, '@aws-sdk/client-secrets-manager')).toBe(false);
    expect([...(packages.get(STEPS.reschedulePoll) ?? [])].filter((p) => p.startsWith('@aws-sdk/'))).toEqual(
      [],
    );
  });
});
