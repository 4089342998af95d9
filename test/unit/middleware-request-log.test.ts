import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/core/errors';
import { Logger } from '../../functions/shared/logger';
import { errorResponse } from '../../functions/shared/middleware/error-response';
import { requestLog } from '../../functions/shared/middleware/request-log';
import type { ApiEvent } from '../../functions/shared/middleware/types';
import { apiEvent, lambdaContext } from '../handlers/api-event';

function setup(handler: () => Promise<APIGatewayProxyResult>) {
  const lines: string[] = [];
  const logger = new Logger('test', 'info', (l) => lines.push(l));
  let t = 1000;
  const fn = middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestLog(logger, 'getGroup', () => (t += 7)))
    .use(errorResponse(logger))
    .handler(handler);
  return { fn, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('requestLog middleware', () => {
  it('writes one line with route, status, duration and the API Gateway request ID', async () => {
    // Prepare
    const { fn, lines } = setup(async () => ({ statusCode: 200, body: '{}' }));
    // Act
    const res = await fn(
      apiEvent({ method: 'GET', resource: '/groups/{groupId}', requestId: 'abc-1' }),
      lambdaContext(),
    );
    // Assess
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'request',
        requestId: 'abc-1',
        route: 'getGroup',
        method: 'GET',
        resource: '/groups/{groupId}',
        status: 200,
        durationMs: 7,
      }),
    ]);
    expect(res.headers?.['x-request-id']).toBe('abc-1');
  });

  it('logs the error code of a failed request', async () => {
    // Prepare
    const { fn, lines } = setup(async () => {
      throw new ApiError('NotFound', 'gone');
    });
    // Act
    const res = await fn(apiEvent(), lambdaContext());
    // Assess
    expect(res.statusCode).toBe(404);
    expect(lines().at(-1)).toMatchObject({ message: 'request', status: 404, errorCode: 'NotFound' });
  });

  it('falls back to the Lambda request ID without an API Gateway one', async () => {
    // Prepare
    const { fn, lines } = setup(async () => ({ statusCode: 204, body: '' }));
    const event = apiEvent();
    event.requestContext = undefined as unknown as ApiEvent['requestContext'];
    // Act
    await fn(event, lambdaContext('lambda-77'));
    // Assess
    expect(lines()[0]).toMatchObject({ requestId: 'lambda-77', status: 204 });
  });
});
