import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/core/errors';
import { OPENAPI_FILE, buildOpenApi, renderOpenApi } from '../../lib/openapi';
import { errorCodesOf, routes } from '../../lib/routes';

type Op = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: unknown;
  responses: Record<string, { 'x-error-codes'?: string[] }>;
};
const doc = buildOpenApi() as { paths: Record<string, Record<string, Op>>; security: unknown };
const ops = new Map(
  Object.values(doc.paths)
    .flatMap((m) => Object.values(m))
    .map((op) => [op.operationId, op]),
);

describe('openapi.json', () => {
  it('is exactly what the generator produces from the route rows (run `npm run openapi`)', () => {
    // Prepare
    const checkedIn = fs.readFileSync(OPENAPI_FILE, 'utf8');
    // Act
    const generated = renderOpenApi();
    // Assess
    expect(checkedIn).toBe(generated);
  });

  it('documents every route once, under SigV4, with its path parameters and its row’s success status', () => {
    // Prepare
    const all = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
    );
    // Act
    const byId = new Map(all.map((o) => [o.op.operationId, o]));
    // Assess
    expect(all).toHaveLength(routes.length);
    expect(doc.security).toEqual([{ sigv4: [] }]);
    for (const r of routes) {
      const o = byId.get(r.name);
      expect(o?.key, r.name).toBe(`${r.method} ${r.path}`);
      const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (o?.op.parameters ?? [])
        .filter((p) => p.in === 'path' && p.required)
        .map((p) => p.name);
      expect(declared, r.name).toEqual(pathParams);
      const successes = Object.keys(o?.op.responses ?? {}).filter((s) => Number(s) < 400);
      expect(successes, r.name).toEqual([String(r.status)]);
    }
  });

  it('has a request body exactly for the rows with a body schema, and a path schema for every path ID', () => {
    // Act
    const bodyMismatch = routes.filter(
      (r) => Boolean(r.request?.body) !== Boolean(ops.get(r.name)?.requestBody),
    );
    const unchecked = routes.filter((r) => r.path.includes('{') && !r.request?.path);
    // Assess
    expect(bodyMismatch.map((r) => r.name)).toEqual([]);
    expect(unchecked.map((r) => r.name)).toEqual([]);
  });

  it('documents the Idempotency-Key header of the routes that read it', () => {
    // Act
    const withKey = routes.filter((r) =>
      (ops.get(r.name)?.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
    );
    // Assess
    expect(withKey.map((r) => r.name).sort()).toEqual(['createGroup', 'createVideo']);
  });

  it('lists under each route every code it can answer, each under its catalogue status, and no other', () => {
    for (const r of routes) {
      // Prepare
      const responses = ops.get(r.name)?.responses ?? {};
      // Act
      const listed = Object.entries(responses).flatMap(([status, res]) =>
        (res['x-error-codes'] ?? []).map((code) => ({ code, status: Number(status) })),
      );
      // Assess
      expect(listed.map((l) => l.code).sort(), r.name).toEqual([...errorCodesOf(r)].sort());
      for (const l of listed)
        expect(l.status, `${r.name} ${l.code}`).toBe(API_ERRORS[l.code as keyof typeof API_ERRORS].status);
    }
  });
});
