/**
 * The console's server on loopback in front of the local API (SigV4 checked, echo handlers): it
 * signs what its own page sends, refuses what any other page could send, never passes the browser's
 * own auth or cookies on, and reports which optional routes the API has.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '../../cli/signing';
import { routes, type Route } from '../../lib/routes';
import { startLocalApi, type ApiHandler } from '../../local/api/server';
import { startConsoleServer, type ConsoleServer } from '../../console/server/server';
import type { RunningServer } from '../../local/sfn/aws-json';

const CALLER = { accessKeyId: 'AKIACONSOLECALLER', secretAccessKey: 'console-caller-secret-key' };
const REAL_PERSON: Route = {
  name: 'getRealPersonSession',
  method: 'GET',
  path: '/real-person/sessions/{sessionId}',
  handler: 'functions/api/none.ts',
  summary: 'stand-in for the route another issue adds',
  access: [],
  status: 200,
  errors: [],
};

const events: APIGatewayProxyEvent[] = [];
const echo: ApiHandler = async (event) => {
  events.push(event);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ok: true }),
  };
};

let api: RunningServer;
let apiWithRealPerson: RunningServer;
let server: ConsoleServer;
let origin: string;

beforeAll(async () => {
  // An API of an older deployment, without the real-person and webhook routes, next to one that has
  // the real-person ones.
  const older = routes.filter((r) => !r.path.startsWith('/real-person') && !r.path.startsWith('/webhooks'));
  const handlers = Object.fromEntries([...older, REAL_PERSON].map((r) => [r.name, echo]));
  [api, apiWithRealPerson] = await Promise.all([
    startLocalApi({ credentials: CALLER, routes: older, handlers }),
    startLocalApi({ credentials: CALLER, routes: [...older, REAL_PERSON], handlers }),
  ]);
  server = await startConsoleServer({
    mode: 'remote',
    apiUrl: api.url,
    signer: createSigner({ credentials: CALLER, region: 'us-east-1' }),
  });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  await api?.close();
  await apiWithRealPerson?.close();
});

const fromPage = { 'x-seedance-console': '1' };

/** A GET with the exact path and Host given (fetch would normalise both). */
async function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import('node:http');
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console server', () => {
  it('signs its page’s calls itself and passes none of the browser’s credentials or cookies on', async () => {
    events.length = 0;
    const res = await fetch(`${origin}/console/api/groups?pageSize=5`, {
      headers: {
        ...fromPage,
        cookie: 'session=abc',
        authorization: 'Bearer from-the-browser',
        'x-amz-date': '1',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const [event] = events;
    expect(event?.queryStringParameters).toEqual({ pageSize: '5' });
    expect(event?.requestContext.identity.accessKey).toBe(CALLER.accessKeyId);
    const sent = Object.fromEntries(
      Object.entries(event?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(sent.cookie).toBeUndefined();
    expect(sent.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIACONSOLECALLER\//);
  });

  it('forwards a JSON body and the idempotency key, and the API’s error answers unchanged', async () => {
    events.length = 0;
    const res = await fetch(`${origin}/console/api/videos`, {
      method: 'POST',
      headers: { ...fromPage, 'content-type': 'application/json', 'idempotency-key': 'k-1', origin },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(events[0]?.body).toBe('{"prompt":"hi"}');
    expect(events[0]?.headers['idempotency-key']).toBe('k-1');

    const missing = await fetch(`${origin}/console/api/no-such-route`, { headers: fromPage });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationToken');
  });

  it.each([
    ['without the console header', {}],
    ['from another origin', { ...fromPage, origin: 'http://evil.example' }],
    ['from another site', { ...fromPage, 'sec-fetch-site': 'cross-site' }],
  ])('refuses a call %s and signs nothing', async (_name, headers: Record<string, string>) => {
    events.length = 0;
    const res = await fetch(`${origin}/console/api/groups`, { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AccessDenied');
    expect(events).toEqual([]);
  });

  it('keeps calls under the API base path: a stage path stays, `..` out of it is refused', async () => {
    events.length = 0;
    const staged = await startConsoleServer({
      mode: 'remote',
      apiUrl: `${api.url}/prod`,
      signer: createSigner({ credentials: CALLER, region: 'us-east-1' }),
    });
    try {
      const escape = await rawGet(staged.port, '/console/api/%2e%2e/groups', {
        ...fromPage,
        host: `127.0.0.1:${staged.port}`,
      });
      expect(escape).toBe(400);
      // Under the stage path the local API (which has none) answers "no such route", as a gateway would.
      expect(
        await rawGet(staged.port, '/console/api/groups', { ...fromPage, host: `127.0.0.1:${staged.port}` }),
      ).toBe(403);
      expect(events).toEqual([]);
    } finally {
      await staged.close();
    }
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    expect(
      await rawGet(server.port, '/console/api/groups', { ...fromPage, host: `evil.example:${server.port}` }),
    ).toBe(403);
  });

  it('serves the page with a strict CSP and no credential in any asset', async () => {
    const page = await fetch(`${origin}/console/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('app.js');
    for (const name of ['app.js', 'app.css', 'info.json']) {
      const text = await (await fetch(`${origin}/console/${name}`)).text();
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toContain(CALLER.secretAccessKey);
      expect(text).not.toContain(CALLER.accessKeyId);
    }
    const root = await fetch(`${origin}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('reports optional routes only where the API has them', async () => {
    const withIt = await startConsoleServer({
      mode: 'remote',
      apiUrl: apiWithRealPerson.url,
      signer: createSigner({ credentials: CALLER, region: 'us-east-1' }),
    });
    try {
      const without = await (await fetch(`${origin}/console/capabilities.json`)).json();
      const withRoute = await (await fetch(`${new URL(withIt.url).origin}/console/capabilities.json`)).json();
      expect(without).toEqual({ realPersonSessions: false, webhooks: false });
      expect(withRoute).toEqual({ realPersonSessions: true, webhooks: false });
    } finally {
      await withIt.close();
    }
  });

  it('says so when there are no credentials to sign with', async () => {
    const noCreds = await startConsoleServer({
      mode: 'remote',
      apiUrl: api.url,
      signer: () =>
        Promise.reject(
          Object.assign(new Error('No AWS credentials to sign with'), { code: 'NoCredentials' }),
        ),
    });
    try {
      const res = await fetch(`${new URL(noCreds.url).origin}/console/api/groups`, { headers: fromPage });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: { code: 'NoCredentials', message: 'No AWS credentials to sign with' },
      });
    } finally {
      await noCreds.close();
    }
  });
});
