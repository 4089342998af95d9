// Builds API Gateway proxy events and Lambda contexts for handler tests (shared by every handler test).
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export interface EventInit {
  method?: string;
  resource?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is JSON-encoded; a string is sent as is (for malformed bodies). */
  body?: unknown;
  base64?: boolean;
  requestId?: string;
  /** The IAM principal API Gateway's SigV4 authorization found (requestContext.identity.userArn). */
  userArn?: string;
}

export function apiEvent(init: EventInit = {}): APIGatewayProxyEvent {
  const body =
    init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  return {
    httpMethod: init.method ?? 'GET',
    resource: init.resource ?? init.path ?? '/',
    path: init.path ?? '/',
    pathParameters: init.pathParameters ?? null,
    queryStringParameters: init.query ?? null,
    multiValueQueryStringParameters: null,
    headers: init.headers ?? {},
    multiValueHeaders: {},
    body: body !== null && init.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: init.base64 ?? false,
    stageVariables: null,
    requestContext: {
      requestId: init.requestId ?? 'req-test-1',
      ...(init.userArn ? { identity: { userArn: init.userArn } } : {}),
    } as APIGatewayProxyEvent['requestContext'],
  };
}

export function lambdaContext(awsRequestId = 'lambda-req-1'): Context {
  return {
    awsRequestId,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ParsedResult {
  status: number;
  headers: Record<string, string | number | boolean>;
  body: unknown;
}

export function parseResult(r: APIGatewayProxyResult): ParsedResult {
  return {
    status: r.statusCode,
    headers: (r.headers ?? {}) as Record<string, string | number | boolean>,
    body: r.body ? (JSON.parse(r.body) as unknown) : undefined,
  };
}

/** The `{error:{code}}` of an error answer. */
export function errorCode(r: ParsedResult): string | undefined {
  return (r.body as { error?: { code?: string } } | undefined)?.error?.code;
}
