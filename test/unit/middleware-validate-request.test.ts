import type { Request } from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../functions/core/errors';
import type { ApiEvent } from '../../functions/shared/middleware/types';
import { validateRequest } from '../../functions/shared/middleware/validate-request';
import { apiEvent, lambdaContext } from '../handlers/api-event';

function request(event: ApiEvent): Request<ApiEvent, APIGatewayProxyResult, Error, Context> {
  return { event, context: lambdaContext(), response: null, error: null, internal: {} };
}

const schemas = {
  body: z.object({ name: z.string().min(1), size: z.number().int() }),
  query: z.object({ pageSize: z.coerce.number().int().max(100).default(20) }),
  path: z.object({ groupId: z.string().startsWith('group-') }),
};

async function run(event: ApiEvent): Promise<unknown> {
  const req = request(event);
  try {
    await validateRequest(schemas).before?.(req);
    return req.event.validated;
  } catch (e) {
    return e;
  }
}

describe('validateRequest middleware', () => {
  it('puts the parsed body, the coerced query and the path on event.validated', async () => {
    // Prepare
    const event: ApiEvent = apiEvent({ pathParameters: { groupId: 'group-1' }, query: { pageSize: '50' } });
    event.jsonBody = { name: 'x', size: 3 };
    // Act
    const validated = await run(event);
    // Assess
    expect(validated).toEqual({
      body: { name: 'x', size: 3 },
      query: { pageSize: 50 },
      path: { groupId: 'group-1' },
    });
  });

  it('applies query defaults when there is no query string', async () => {
    // Prepare
    const event: ApiEvent = apiEvent({ pathParameters: { groupId: 'group-1' } });
    event.jsonBody = { name: 'x', size: 3 };
    // Act
    const validated = (await run(event)) as { query: unknown };
    // Assess
    expect(validated.query).toEqual({ pageSize: 20 });
  });

  it('reports every bad field of every location in one 400 ValidationError', async () => {
    // Prepare
    const event: ApiEvent = apiEvent({ pathParameters: { groupId: 'nope' }, query: { pageSize: '500' } });
    event.jsonBody = { size: 'three' };
    // Act
    const e = await run(event);
    // Assess
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('ValidationError');
    const fields = (err.details as Array<{ location: string; field: string }>).map(
      (d) => `${d.location}:${d.field}`,
    );
    expect(fields.sort()).toEqual(['body:name', 'body:size', 'path:groupId', 'query:pageSize']);
  });

  it('rejects a missing body when a body schema is set', async () => {
    // Prepare
    const event = apiEvent({ pathParameters: { groupId: 'group-1' } });
    // Act
    const e = (await run(event)) as ApiError;
    // Assess
    expect(e.code).toBe('ValidationError');
    expect(e.details).toEqual([expect.objectContaining({ location: 'body', field: '' })]);
  });

  it('hands on the parsed path parameters, not the raw ones', async () => {
    // Prepare
    const pathSchema = z.object({ page: z.coerce.number().int(), slug: z.string().trim().toLowerCase() });
    const req = request(apiEvent({ pathParameters: { page: '7', slug: ' Group-A ', extra: 'x' } }));
    // Act
    await validateRequest({ path: pathSchema }).before?.(req);
    // Assess
    expect(req.event.validated?.path).toEqual({ page: 7, slug: 'group-a' });
  });

  it('passes everything through when no schema is given', async () => {
    // Prepare
    const req = request(apiEvent({ pathParameters: { id: 'a' }, query: { q: '1' } }));
    // Act
    await validateRequest({}).before?.(req);
    // Assess
    expect(req.event.validated).toEqual({ body: undefined, query: undefined, path: { id: 'a' } });
  });
});
