import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestSchemas } from '../../functions/core/api-schemas';
import { OPENAPI_FILE, buildOpenApi, renderOpenApi, successStatus } from '../../lib/openapi';
import { routes } from '../../lib/routes';

type Op = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
const doc = buildOpenApi() as { paths: Record<string, Record<string, Op>>; security: unknown };

describe('openapi.json', () => {
  it('is exactly what the generator produces from the routes and schemas (run `npm run openapi`)', () => {
    // Prepare
    const checkedIn = fs.readFileSync(OPENAPI_FILE, 'utf8');
    // Act
    const generated = renderOpenApi();
    // Assess
    expect(checkedIn).toBe(generated);
  });

  it('documents every route once, under SigV4, with its path parameters and success status', () => {
    // Prepare
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
    );
    // Act
    const byId = new Map(ops.map((o) => [o.op.operationId, o]));
    // Assess
    expect(ops).toHaveLength(routes.length);
    expect(doc.security).toEqual([{ sigv4: [] }]);
    for (const r of routes) {
      const o = byId.get(r.name);
      expect(o?.key, r.name).toBe(`${r.method} ${r.path}`);
      const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (o?.op.parameters ?? [])
        .filter((p) => p.in === 'path' && p.required)
        .map((p) => p.name);
      expect(declared, r.name).toEqual(pathParams);
      expect(Object.keys(o?.op.responses ?? {}), r.name).toContain(String(successStatus(r)));
    }
  });

  it('has a request body exactly for the routes with a body schema, and a schema entry for every route', () => {
    // Prepare
    const ops = new Map(
      Object.values(doc.paths)
        .flatMap((m) => Object.values(m))
        .map((op) => [op.operationId, op]),
    );
    // Act
    const mismatched = routes.filter(
      (r) => Boolean(requestSchemas[r.name]?.body) !== Boolean(ops.get(r.name)?.requestBody),
    );
    // Assess
    expect(mismatched.map((r) => r.name)).toEqual([]);
    expect(routes.filter((r) => !requestSchemas[r.name]).map((r) => r.name)).toEqual([]);
  });

  it('uses the standard success statuses unless the route says otherwise', () => {
    // Prepare
    const cases = [
      { method: 'GET', status: undefined },
      { method: 'POST', status: undefined },
      { method: 'DELETE', status: undefined },
      { method: 'POST', status: 202 },
    ] as const;
    // Act
    const statuses = cases.map((c) =>
      successStatus({ name: 'x', path: '/x', handler: 'x', summary: 'x', access: [], ...c }),
    );
    // Assess
    expect(statuses).toEqual([200, 201, 204, 202]);
  });
});
