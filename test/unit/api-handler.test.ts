import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, UpstreamError } from '../../functions/core/errors';
import { apiHandler, toProxyResult, type ApiRequest, type RouteRow } from '../../functions/shared/api';
import { Logger } from '../../functions/shared/logger';
import { apiEvent, errorCode, lambdaContext, parseResult } from '../handlers/api-event';

function logs() {
  const lines: string[] = [];
  return { logger: new Logger('test', 'debug', (l) => lines.push(l)), lines };
}

const body = z.object({ name: z.string().min(1), count: z.number().int().optional() });
const query = z.object({ pageSize: z.coerce.number().int().max(100).default(10) });
const headers = z.object({ 'idempotency-key': z.string().min(3).optional() });

/** A route row of the shape lib/routes.ts holds. */
const row = <R extends Partial<RouteRow>>(r: R & { name: string }) => ({
  access: [],
  errors: [],
  status: 200,
  ...r,
});

describe('apiHandler', () => {
  it('hands the handler a typed, validated request and serializes its answer', async () => {
    // Prepare
    const { logger } = logs();
    const route = row({ name: 'createThing', status: 201, request: { body, query, headers } });
    let seen: ApiRequest<typeof route> | undefined;
    const handler = apiHandler(
      route,
      async (req) => {
        seen = req;
        return { body: { ok: true, name: req.body.name }, headers: { Location: '/things/1' } };
      },
      { logger },
    );
    // Act
    const res = parseResult(
      await handler(
        apiEvent({
          method: 'POST',
          body: { name: 'Mia' },
          query: { pageSize: '5' },
          pathParameters: { id: 'x' },
          headers: { 'Idempotency-Key': 'key-1' },
          requestId: 'r-9',
        }),
        lambdaContext(),
      ),
    );
    // Assess
    expect(res).toMatchObject({ status: 201, body: { ok: true, name: 'Mia' } });
    expect(res.headers).toMatchObject({
      'content-type': 'application/json',
      Location: '/things/1',
      'x-request-id': 'r-9',
    });
    expect(seen).toMatchObject({
      body: { name: 'Mia' },
      query: { pageSize: 5 },
      path: { id: 'x' },
      headers: { 'idempotency-key': 'key-1' },
      requestId: 'r-9',
    });
  });

  it('checks the row’s header schema and answers the row’s status when the handler names none', async () => {
    // Prepare
    const { logger } = logs();
    const route = row({ name: 'createThing', status: 202, request: { headers } });
    const handler = apiHandler(route, async (req) => ({ body: { key: req.headers['idempotency-key'] } }), {
      logger,
    });
    // Act
    const bad = parseResult(
      await handler(apiEvent({ headers: { 'Idempotency-Key': 'k' } }), lambdaContext()),
    );
    const good = parseResult(
      await handler(apiEvent({ headers: { 'idempotency-KEY': 'key-2' } }), lambdaContext()),
    );
    // Assess
    expect([bad.status, errorCode(bad)]).toEqual([400, 'ValidationError']);
    expect(bad.body).toMatchObject({
      error: { details: [{ location: 'header', field: 'idempotency-key' }] },
    });
    expect(good).toMatchObject({ status: 202, body: { key: 'key-2' } });
  });

  it('warns when a handler answers a code its row does not declare (OpenAPI would be wrong)', async () => {
    // Prepare
    const { logger, lines } = logs();
    const handler = apiHandler(
      row({ name: 'getThing', errors: ['NotFound'] }),
      async () => {
        throw new ApiError('VideoNotRunning', 'already ended');
      },
      { logger },
    );
    const declared = apiHandler(
      row({ name: 'getThing', errors: ['NotFound'] }),
      async () => {
        throw new ApiError('NotFound', 'gone');
      },
      { logger },
    );
    // Act
    const res = parseResult(await handler(apiEvent(), lambdaContext()));
    await declared(apiEvent(), lambdaContext());
    // Assess
    expect([res.status, errorCode(res)]).toEqual([409, 'VideoNotRunning']);
    const warnings = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === 'error code not declared on the route');
    expect(warnings).toEqual([expect.objectContaining({ errorCode: 'VideoNotRunning', route: 'getThing' })]);
  });

  it('answers 204 with an empty body', async () => {
    // Prepare
    const { logger } = logs();
    const handler = apiHandler(row({ name: 'deleteThing', status: 204 }), async () => ({}), { logger });
    // Act
    const res = await handler(apiEvent({ method: 'DELETE' }), lambdaContext());
    // Assess
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers?.['content-type']).toBeUndefined();
  });

  it.each([
    ['malformed JSON', '{"name":', 'InvalidJson'],
    ['a missing field', {}, 'ValidationError'],
    ['a wrong-typed field', { name: 'a', count: 'two' }, 'ValidationError'],
    ['no body at all', undefined, 'ValidationError'],
  ])('answers 400 for %s', async (_label, payload, code) => {
    // Prepare
    const { logger } = logs();
    const handler = apiHandler(
      row({ name: 'createThing', status: 201, request: { body } }),
      async () => ({}),
      { logger },
    );
    // Act
    const res = parseResult(await handler(apiEvent({ method: 'POST', body: payload }), lambdaContext()));
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it('ignores the body of a route that declares no body schema', async () => {
    // Prepare
    const { logger } = logs();
    const handler = apiHandler(row({ name: 'getThing' }), async () => ({ body: {} }), { logger });
    // Act
    const res = await handler(apiEvent({ body: 'not json' }), lambdaContext());
    // Assess
    expect(res.statusCode).toBe(200);
  });

  it('maps thrown ApiError, UpstreamError and plain errors to the JSON envelope', async () => {
    // Prepare
    const { logger } = logs();
    const errors: Error[] = [
      new ApiError('NotFound', 'group g was not found'),
      new UpstreamError({
        service: 'volcengine',
        code: 'FlowLimitExceeded',
        status: 429,
        message: 'slow down',
      }),
      new RangeError('boom'),
    ];
    const results = [];
    // Act
    for (const e of errors) {
      const handler = apiHandler(
        row({ name: 'x', errors: ['NotFound'] }),
        async () => {
          throw e;
        },
        { logger },
      );
      results.push(parseResult(await handler(apiEvent(), lambdaContext())));
    }
    // Assess
    expect(results.map((r) => [r.status, errorCode(r)])).toEqual([
      [404, 'NotFound'],
      [503, 'UpstreamThrottled'],
      [500, 'InternalError'],
    ]);
  });

  it('writes exactly one request line per call, with the request ID', async () => {
    // Prepare
    const { logger, lines } = logs();
    const handler = apiHandler(row({ name: 'getThing' }), async () => ({ body: {} }), { logger });
    // Act
    await handler(apiEvent({ requestId: 'rq-1' }), lambdaContext());
    // Assess
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.message === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ requestId: 'rq-1', route: 'getThing', status: 200 });
  });

  it('toProxyResult omits the body and content type for 204', () => {
    // Prepare
    const res = { status: 204, body: { ignored: true } };
    // Act
    const out = toProxyResult(res);
    // Assess
    expect(out).toEqual({ statusCode: 204, headers: {}, body: '' });
  });
});
