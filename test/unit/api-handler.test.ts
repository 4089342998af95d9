import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, UpstreamError } from '../../functions/core/errors';
import { apiHandler, toProxyResult, type ApiRequest } from '../../functions/shared/api';
import { Logger } from '../../functions/shared/logger';
import { apiEvent, errorCode, lambdaContext, parseResult } from '../handlers/api-event';

function logs() {
  const lines: string[] = [];
  return { logger: new Logger('test', 'debug', (l) => lines.push(l)), lines };
}

const body = z.object({ name: z.string().min(1), count: z.number().int().optional() });
const query = z.object({ pageSize: z.coerce.number().int().max(100).default(10) });

describe('apiHandler', () => {
  it('hands the handler a typed, validated request and serializes its answer', async () => {
    // Prepare
    const { logger } = logs();
    let seen: ApiRequest<z.infer<typeof body>, z.infer<typeof query>> | undefined;
    const handler = apiHandler({ name: 'createThing', body, query, logger }, async (req) => {
      seen = req;
      return { status: 201, body: { ok: true, name: req.body.name }, headers: { Location: '/things/1' } };
    });
    // Act
    const res = parseResult(
      await handler(
        apiEvent({
          method: 'POST',
          body: { name: 'Mia' },
          query: { pageSize: '5' },
          pathParameters: { id: 'x' },
          headers: { 'Idempotency-Key': 'k1' },
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
      headers: { 'idempotency-key': 'k1' },
      requestId: 'r-9',
    });
  });

  it('answers 204 with an empty body', async () => {
    // Prepare
    const { logger } = logs();
    const handler = apiHandler({ name: 'deleteThing', logger }, async () => ({ status: 204 }));
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
    const handler = apiHandler({ name: 'createThing', body, logger }, async () => ({ status: 201 }));
    // Act
    const res = parseResult(await handler(apiEvent({ method: 'POST', body: payload }), lambdaContext()));
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it('ignores the body of a route that declares no body schema', async () => {
    // Prepare
    const { logger } = logs();
    const handler = apiHandler({ name: 'getThing', logger }, async () => ({ status: 200, body: {} }));
    // Act
    const res = await handler(apiEvent({ body: 'not json' }), lambdaContext());
    // Assess
    expect(res.statusCode).toBe(200);
  });

  it('maps thrown ApiError, UpstreamError and plain errors to the JSON envelope', async () => {
    // Prepare
    const { logger } = logs();
    const errors: Error[] = [
      new ApiError(404, 'NotFound', 'group g was not found'),
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
      const handler = apiHandler({ name: 'x', logger }, async () => {
        throw e;
      });
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
    const handler = apiHandler({ name: 'getThing', logger }, async () => ({ status: 200, body: {} }));
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
