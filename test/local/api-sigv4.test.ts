import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_HANDLER_TIMEOUT_SECONDS, routes, type Route } from '../../lib/routes';
import type { RunningServer } from '../../local/sfn/aws-json';
import { startLocalApi, type ApiHandler } from '../../local/api/server';

const run = promisify(execFile);
const DEV = { accessKeyId: 'AKIDLOCALDEV', secretAccessKey: 'local-dev-secret-key' };

/** Answers with the event it got, so the tests see what a handler would. */
const echo: ApiHandler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});
const GHOST: Route = {
  name: 'ghost',
  method: 'GET',
  path: '/ghost',
  handler: 'functions/api/does-not-exist.ts',
  summary: 'a route whose handler module does not exist',
  access: [],
};
const BROKEN: Route = { ...GHOST, name: 'broken', path: '/broken' };
const TIMED: Route = { ...GHOST, name: 'timed', path: '/timed' };

let api: RunningServer;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await startLocalApi({
    credentials: DEV,
    routes: [...routes, GHOST, BROKEN, TIMED],
    handlers: {
      ...Object.fromEntries(routes.map((r) => [r.name, echo])),
      broken: async () => {
        throw new Error('handler crashed');
      },
      timed: async (_e, context) => ({
        statusCode: 200,
        body: JSON.stringify({ remainingMs: context.getRemainingTimeInMillis() }),
      }),
    },
    log: (e) => logs.push(e),
  });
});
afterAll(async () => {
  await api.close();
});

interface Call {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
}

async function signedFetch(call: Call, creds = DEV, signingDate = new Date()) {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'us-east-1',
    credentials: creds,
    sha256: Sha256,
  });
  const host = new URL(api.url).host;
  const signed = await signer.sign(
    {
      method: call.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: call.path,
      query: call.query ?? {},
      headers: { host, ...(call.body ? { 'content-type': 'application/json' } : {}) },
      body: call.body,
    },
    { signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  const qs = new URLSearchParams(call.query ?? {}).toString();
  return fetch(`${api.url}${call.path}${qs ? `?${qs}` : ''}`, {
    method: call.method,
    headers,
    body: call.body,
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('local API SigV4', () => {
  it('accepts a good signature and hands the handler a REST proxy event', async () => {
    // Prepare
    const call = { method: 'GET', path: '/groups/grp-1/uploads/up_9', query: { verbose: 'yes' } };

    // Act
    const res = await signedFetch(call);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const event = (await res.json()) as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/groups/{groupId}/uploads/{uploadId}',
      path: '/groups/grp-1/uploads/up_9',
      httpMethod: 'GET',
      pathParameters: { groupId: 'grp-1', uploadId: 'up_9' },
      queryStringParameters: { verbose: 'yes' },
      body: null,
      requestContext: {
        identity: { accessKey: DEV.accessKeyId },
        resourcePath: '/groups/{groupId}/uploads/{uploadId}',
      },
    });
  });

  it('gives a handler the deployed timeout (28 s, under the 29 s of the gateway), not more', async () => {
    // Act
    const res = await signedFetch({ method: 'GET', path: '/timed' });
    // Assess
    const { remainingMs } = (await res.json()) as { remainingMs: number };
    expect(API_HANDLER_TIMEOUT_SECONDS).toBe(28);
    expect(remainingMs).toBeLessThanOrEqual(28_000);
    expect(remainingMs).toBeGreaterThan(27_000);
  });

  it('passes a signed JSON body through unchanged', async () => {
    // Prepare
    const body = JSON.stringify({ name: 'Aiko', description: 'ü' });

    // Act
    const res = await signedFetch({ method: 'POST', path: '/groups', body });

    // Assess
    expect(res.status).toBe(200);
    expect(((await res.json()) as APIGatewayProxyEvent).body).toBe(body);
  });

  it('rejects a signature made with the wrong secret', async () => {
    // Prepare
    const wrong = { ...DEV, secretAccessKey: 'not-the-secret' };

    // Act
    const res = await signedFetch({ method: 'GET', path: '/groups' }, wrong);

    // Assess
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ code: 'InvalidSignature' });
  });

  it('rejects a body changed after signing', async () => {
    // Prepare
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      credentials: DEV,
      sha256: Sha256,
    });
    const host = new URL(api.url).host;
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/groups',
      headers: { host, 'content-type': 'application/json' },
      body: '{"name":"a"}',
    });
    const { host: _h, ...headers } = signed.headers;

    // Act
    const res = await fetch(`${api.url}/groups`, { method: 'POST', headers, body: '{"name":"b"}' });

    // Assess
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ code: 'InvalidSignature' });
  });

  it('rejects a stale date (more than 15 minutes old)', async () => {
    // Prepare
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60 * 1000);

    // Act
    const res = await signedFetch({ method: 'GET', path: '/videos' }, DEV, sixteenMinutesAgo);

    // Assess
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error.code).toBe('InvalidSignature');
    expect(error.message).toContain('expired');
  });

  it('rejects a request with no authorization as API Gateway does', async () => {
    // Prepare
    const url = `${api.url}/groups`;

    // Act
    const res = await fetch(url);

    // Assess
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await errorOf(res)).toEqual({
      code: 'MissingAuthenticationToken',
      message: 'Missing Authentication Token',
    });
  });

  it('rejects an unknown access key', async () => {
    // Prepare
    const stranger = { accessKeyId: 'AKIDSTRANGER', secretAccessKey: DEV.secretAccessKey };

    // Act
    const res = await signedFetch({ method: 'GET', path: '/groups' }, stranger);

    // Assess
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ code: 'UnrecognizedClient' });
  });

  it('answers 403 MissingAuthenticationToken for an unknown path or method (as API Gateway does), 502 for a handler that fails to load or crashes', async () => {
    // Prepare
    const calls = [
      { method: 'GET', path: '/nothing' },
      { method: 'POST', path: '/videos/v1' },
      { method: 'GET', path: '/ghost' },
      { method: 'GET', path: '/broken' },
    ];

    // Act
    const statuses = await Promise.all(calls.map(async (c) => (await signedFetch(c)).status));

    // Assess
    expect(statuses).toEqual([403, 403, 502, 502]);
    expect(JSON.stringify(logs)).not.toContain('Signature=');
  });
});

/** A signed GET sent with exactly the given headers (fetch may not set Host). */
async function rawSigned(
  path: string,
  signHeaders: Record<string, string>,
  extra: Record<string, string> = {},
) {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'us-east-1',
    credentials: DEV,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path,
    headers: signHeaders,
  });
  const target = new URL(api.url);
  return new Promise<{ status: number; code: string }>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'GET',
        headers: { ...signed.headers, ...extra },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            code: (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '',
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('local API SigV4 is as strict as AWS about what is signed', () => {
  it('refuses an unsigned X-Amz-Security-Token, or any unsigned x-amz-* header', async () => {
    // Prepare
    const host = new URL(api.url).host;

    // Act
    const token = await rawSigned('/groups', { host }, { 'x-amz-security-token': 'swapped-in-transit' });
    const other = await rawSigned('/groups', { host }, { 'x-amz-meta-role': 'admin' });
    const signedOk = await rawSigned('/groups', { host });

    // Assess
    expect(token).toEqual({ status: 403, code: 'IncompleteSignature' });
    expect(other).toEqual({ status: 403, code: 'IncompleteSignature' });
    expect(signedOk.status).toBe(200);
  });

  it('refuses a request whose signed host names another server', async () => {
    // Prepare
    const port = new URL(api.url).port;

    // Act
    const elsewhere = await rawSigned('/groups', { host: 'api.example.com' });
    const otherPort = await rawSigned('/groups', { host: `127.0.0.1:${Number(port) + 1}` });
    const alias = await rawSigned('/groups', { host: `localhost:${port}` });

    // Assess
    expect(elsewhere).toEqual({ status: 403, code: 'InvalidSignature' });
    expect(otherPort).toEqual({ status: 403, code: 'InvalidSignature' });
    expect(alias.status).toBe(200);
  });
});

describe('malformed percent-encoding', () => {
  const BAD = ['%', '%E0%A4%A', '%zz', 'a%2'];
  const fill = (path: string, bad?: string) => path.replace(/\{(\w+)\}/g, () => bad ?? 'x1');
  const cases = routes.flatMap((r) => [
    ...(r.path.includes('{') ? BAD.map((bad) => ({ method: r.method, url: fill(r.path, bad) })) : []),
    { method: r.method, url: `${fill(r.path)}?name=%` },
    { method: r.method, url: `${fill(r.path)}?pageSize=5&%E0%A4%A=1` },
  ]);

  it('answers 400 ValidationError, never 500, in every path parameter and the query, signed or not', async () => {
    // Prepare
    const authorization = `AWS4-HMAC-SHA256 Credential=${DEV.accessKeyId}/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

    // Act
    const answers = await Promise.all(
      cases.flatMap((c) =>
        [{}, { authorization, 'x-amz-date': '20260101T000000Z' }].map(async (headers) => {
          const res = await fetch(`${api.url}${c.url}`, { method: c.method, headers });
          return { ...c, status: res.status, code: (await errorOf(res)).code };
        }),
      ),
    );

    // Assess
    expect(answers.length).toBeGreaterThan(40);
    expect(answers.filter((a) => a.status !== 400 || a.code !== 'ValidationError')).toEqual([]);
  });

  it('answers a well-signed request with a malformed path parameter the same way', async () => {
    // Prepare
    const res = await signedFetch({ method: 'GET', path: '/groups/%E0%A4%A' });

    // Act
    const error = await errorOf(res);

    // Assess
    expect(res.status).toBe(400);
    expect(error).toMatchObject({ code: 'ValidationError' });
  });
});

describe('curl --aws-sigv4 against the local API', () => {
  const sample = (path: string) =>
    path
      .replace('{groupId}', 'grp-1')
      .replace('{uploadId}', 'up-1')
      .replace('{assetId}', 'asset-1')
      .replace('{videoId}', 'vid-1');

  it.each(routes.map((r) => [r.name, r] as const))('signs %s', async (_name, route) => {
    // Prepare
    const args = [
      '--silent',
      '--show-error',
      '--aws-sigv4',
      'aws:amz:us-east-1:execute-api',
      '--user',
      `${DEV.accessKeyId}:${DEV.secretAccessKey}`,
      '--request',
      route.method,
      '--write-out',
      '\n%{http_code}',
    ];
    if (route.method === 'POST')
      args.push('--header', 'content-type: application/json', '--data', '{"name":"x"}');
    const url = `${api.url}${sample(route.path)}${route.method === 'GET' ? '?pageSize=5' : ''}`;

    // Act
    const { stdout } = await run('curl', [...args, url]);

    // Assess
    const lines = stdout.trimEnd().split('\n');
    const status = lines.pop();
    expect(status).toBe('200');
    const event = JSON.parse(lines.join('\n')) as APIGatewayProxyEvent;
    expect(event.resource).toBe(route.path);
    expect(event.httpMethod).toBe(route.method);
  });
});
