import type { Request } from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/core/errors';
import { jsonBody } from '../../functions/shared/middleware/json-body';
import type { ApiEvent } from '../../functions/shared/middleware/types';
import { apiEvent, lambdaContext } from '../handlers/api-event';

function request(event: ApiEvent): Request<ApiEvent, APIGatewayProxyResult, Error, Context> {
  return { event, context: lambdaContext(), response: null, error: null, internal: {} };
}

describe('jsonBody middleware', () => {
  it('parses a JSON body onto event.jsonBody', async () => {
    // Prepare
    const req = request(apiEvent({ method: 'POST', body: { name: 'Mia', n: 2 } }));
    // Act
    await jsonBody().before?.(req);
    // Assess
    expect(req.event.jsonBody).toEqual({ name: 'Mia', n: 2 });
  });

  it('decodes a base64-encoded body first', async () => {
    // Prepare
    const req = request(apiEvent({ method: 'POST', body: { name: 'Ünï' }, base64: true }));
    // Act
    await jsonBody().before?.(req);
    // Assess
    expect(req.event.jsonBody).toEqual({ name: 'Ünï' });
  });

  it('leaves jsonBody undefined for an empty or whitespace body', async () => {
    // Prepare
    const empty = request(apiEvent({ method: 'POST' }));
    const blank = request(apiEvent({ method: 'POST', body: '  \n' }));
    // Act
    await jsonBody().before?.(empty);
    await jsonBody().before?.(blank);
    // Assess
    expect(empty.event.jsonBody).toBeUndefined();
    expect(blank.event.jsonBody).toBeUndefined();
  });

  it('throws a 400 InvalidJson ApiError for malformed JSON', async () => {
    // Prepare
    const req = request(apiEvent({ method: 'POST', body: '{"name": ' }));
    // Act
    const thrown = await (async () => jsonBody().before?.(req))().catch((e: unknown) => e);
    // Assess
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: 400, code: 'InvalidJson' });
  });
});
