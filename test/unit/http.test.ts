import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpJson, scrubMessage, type HttpCall } from '../../functions/core/http';
import { sendJson, sendText, useLoopback } from '../support/loopback-server';
import { upstreamFailure } from '../support/upstream-failure';

const server = useLoopback();

const call = (over: Partial<HttpCall> = {}): HttpCall => ({
  service: 'ark',
  operation: 'GetTask',
  url: `${server.url}/x`,
  method: 'GET',
  headers: {},
  timeoutMs: 2_000,
  ...over,
});

describe('httpJson', () => {
  it('parses a JSON answer and keeps status and headers', async () => {
    // Prepare
    server.respond((_req, res) => sendJson(res, 201, { a: 1 }, { 'x-request-id': 'req-9' }));

    // Act
    const answer = await httpJson(call({ method: 'POST', body: '{}' }));

    // Assess
    expect(answer).toMatchObject({ status: 201, ok: true, json: { a: 1 }, notJson: false });
    expect(answer.headers.get('x-request-id')).toBe('req-9');
  });

  it('returns undefined json for an empty body', async () => {
    // Prepare
    server.respond((_req, res) => {
      res.writeHead(204);
      res.end();
    });

    // Act
    const answer = await httpJson(call({ method: 'DELETE' }));

    // Assess
    expect(answer).toMatchObject({ status: 204, json: undefined, notJson: false });
  });

  it('flags a non-JSON body instead of throwing', async () => {
    // Prepare
    server.respond((_req, res) => sendText(res, 502, '<html><body>Bad Gateway</body></html>', 'text/html'));

    // Act
    const answer = await httpJson(call());

    // Assess
    expect(answer).toMatchObject({ status: 502, ok: false, notJson: true, contentType: 'text/html' });
  });

  it('turns a slow answer into a retryable Timeout with status 0', async () => {
    // Prepare
    server.respond((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 1_500).unref();
    });
    const started = Date.now();

    // Act
    const e = await upstreamFailure(httpJson(call({ timeoutMs: 150 })));

    // Assess
    expect(e).toMatchObject({
      code: 'Timeout',
      status: 0,
      retryable: true,
      operation: 'GetTask',
      service: 'ark',
    });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('times out a body that stalls after the headers', async () => {
    // Prepare
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    });

    // Act
    const e = await upstreamFailure(httpJson(call({ timeoutMs: 200 })));

    // Assess
    expect(e).toMatchObject({ code: 'Timeout', status: 0, retryable: true });
    expect(e.message).toMatch(/complete body/);
  });

  it('turns a connection reset into a retryable NetworkError', async () => {
    // Prepare
    server.respond((_req, _res, raw) => {
      raw.socket.destroy();
    });

    // Act
    const e = await upstreamFailure(httpJson(call()));

    // Assess
    expect(e).toMatchObject({ code: 'NetworkError', status: 0, retryable: true });
    expect(e.message).not.toContain('127.0.0.1');
  });

  it('turns a refused connection into a NetworkError naming the cause code', async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));

    // Act
    const e = await upstreamFailure(httpJson(call({ url: `http://127.0.0.1:${port}/x` })));

    // Assess
    expect(e).toMatchObject({ code: 'NetworkError', status: 0, retryable: true });
    expect(e.message).toContain('ECONNREFUSED');
  });
});

describe('scrubMessage', () => {
  it('masks given values, bearer tokens and signatures, and bounds the length', () => {
    // Prepare
    const msg = `bad Signature=abcdef0123 for Bearer sk-live-123 with key MY-SECRET-KEY ${'x'.repeat(600)}`;

    // Act
    const out = scrubMessage(msg, ['MY-SECRET-KEY', undefined]);

    // Assess
    expect(out).not.toMatch(/abcdef0123|sk-live-123|MY-SECRET-KEY/);
    expect(out.length).toBeLessThanOrEqual(501);
  });
});
