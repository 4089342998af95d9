/**
 * The API error catalogue (functions/core/errors.ts API_ERRORS) against the code that answers errors:
 * every code a handler, a middleware or a use case can throw is in it, every route's row declares the
 * codes its handler module throws, API Gateway's responses use its gateway codes, and upstream
 * failures land on its upstream family. (openapi.json listing each route's codes: api-openapi.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  API_ERRORS,
  UPSTREAM_CODES,
  UpstreamError,
  apiErrorFromUpstream,
  isApiErrorCode,
  type ApiErrorCode,
} from '../../functions/core/errors';
import { GATEWAY_ERRORS } from '../../lib/constructs/api';
import { errorCodesOf, isPublicRoute, routes } from '../../lib/routes';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Codes a file throws: `new ApiError('X'`, a content rule's `new VideoRuleError('X'`, `code: 'X'` of asset problems. */
function thrownCodes(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found = [
    ...text.matchAll(/new (?:ApiError|VideoRuleError)\(\s*'(\w+)'/g),
    ...text.matchAll(/\b(?:tooMany|tooLong): '(\w+)'/g),
    ...(file.endsWith('video/assets.ts') ? text.matchAll(/\bcode: '(Asset\w+)'/g) : []),
  ].map((m) => m[1] ?? '');
  return [...new Set(found)];
}

const thrownAnywhere = new Map(sources('functions').map((f) => [f, thrownCodes(f)]));

describe('the API error catalogue', () => {
  it('holds every code thrown anywhere in functions/', () => {
    // Act
    const missing = [...thrownAnywhere].flatMap(([f, codes]) =>
      codes.filter((c) => !isApiErrorCode(c)).map((c) => `${f}: ${c}`),
    );
    // Assess
    expect(thrownAnywhere.size).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('has no handler code that nothing throws, and each is declared by some route', () => {
    // Prepare
    const thrown = new Set([...thrownAnywhere.values()].flat());
    const handlerCodes = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter(
      (c) => API_ERRORS[c].source !== 'gateway',
    );
    // Act
    const dead = handlerCodes.filter((c) => !thrown.has(c));
    const undeclared = handlerCodes.filter((c) => !routes.some((r) => errorCodesOf(r).includes(c)));
    // Assess
    expect(dead).toEqual([]);
    expect(undeclared).toEqual([]);
  });

  it('has one not-found family: NotFound is the only 404', () => {
    // Act
    const fourOhFour = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter(
      (c) => API_ERRORS[c].status === 404,
    );
    // Assess
    expect(fourOhFour).toEqual(['NotFound']);
  });

  it.each(routes.map((r) => [r.name, r] as const))(
    '%s declares every code its handler module throws',
    (_name, r) => {
      // Act
      const own = thrownCodes(r.handler);
      // Assess
      expect(own.filter((c) => !errorCodesOf(r).includes(c as ApiErrorCode))).toEqual([]);
    },
  );

  it('gives API Gateway exactly the catalogue’s gateway codes (every route lists them)', () => {
    // Prepare
    const gateway = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter(
      (c) => API_ERRORS[c].source === 'gateway',
    );
    // Act
    const used = new Set(GATEWAY_ERRORS.map((e) => e.code));
    // Assess
    expect(gateway.every((c) => used.has(c))).toBe(true);
    expect([...used].every((c) => isApiErrorCode(c))).toBe(true);
    const signature = ['MissingAuthenticationToken', 'InvalidSignature', 'ExpiredToken', 'AccessDenied'];
    for (const r of routes) {
      const listed = errorCodesOf(r);
      // A public route (auth: 'none') has no SigV4 to fail; every other route can fail it.
      const expected = isPublicRoute(r) ? gateway.filter((c) => !signature.includes(c)) : gateway;
      expect(listed, r.name).toEqual(expect.arrayContaining(expected));
      if (isPublicRoute(r))
        expect(
          listed.filter((c) => signature.includes(c)),
          r.name,
        ).toEqual([]);
    }
    expect(routes.some(isPublicRoute)).toBe(true);
  });

  it.each([0, 200, 400, 401, 402, 403, 404, 409, 413, 422, 429, 500, 503])(
    'maps an upstream answer of HTTP %i onto the upstream family, which every upstream route declares',
    (status) => {
      // Prepare
      const codes = ['InvalidParameter', 'NotFound.asset_id', 'Timeout', 'MalformedResponse', 'AccessDenied'];
      // Act
      const answered = codes.map(
        (code) =>
          apiErrorFromUpstream(
            new UpstreamError({ service: 'ark', code, status, message: 'm', operation: 'GetTask' }),
          ).code,
      );
      // Assess
      for (const c of answered) expect(UPSTREAM_CODES).toContain(c);
      for (const r of routes.filter((x) => x.access.includes('upstream')))
        expect(errorCodesOf(r), r.name).toEqual(expect.arrayContaining([...UPSTREAM_CODES]));
    },
  );

  it('keeps an upstream 4xx’s own code and status in details of UpstreamRejected', () => {
    // Act
    const e = apiErrorFromUpstream(
      new UpstreamError({
        service: 'volcengine',
        code: 'InvalidParameter.Name',
        status: 400,
        message: 'bad',
      }),
    );
    // Assess
    expect([e.status, e.code]).toEqual([400, 'UpstreamRejected']);
    expect(e.details).toMatchObject({ upstreamCode: 'InvalidParameter.Name', upstreamStatus: 400 });
  });
});
