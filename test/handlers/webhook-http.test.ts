// One webhook attempt over loopback: the guard runs before it, the connection goes to the checked
// address whatever the host name says, no redirect is followed, Retry-After is read, 15 s (here
// shortened) ends a receiver that never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook, retryAfterSeconds } from '../../functions/shared/webhook-http';

const servers: Server[] = [];
async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const LOCAL = { allowHttp: true, allowLoopback: true };

describe('webhook attempt', () => {
  it('connects to the address the guard checked, keeping the host name', async () => {
    // Prepare
    let host = '';
    let body = '';
    const port = await receiver((req, res) => {
      host = req.headers.host ?? '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(204).end());
    });
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    // Act
    const r = await postWebhook(
      `http://receiver.test:${port}/hook`,
      '{"a":1}',
      { 'webhook-id': 'msg_1' },
      {
        ...LOCAL,
        resolve,
      },
    );
    // Assess
    expect(r).toEqual({ kind: 'answered', status: 204 });
    expect(host).toBe(`receiver.test:${port}`);
    expect(body).toBe('{"a":1}');
  });

  it('does not follow a redirect to the metadata address, and reads Retry-After', async () => {
    // Prepare
    let hits = 0;
    const port = await receiver((_req, res) => {
      hits++;
      res
        .writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/', 'retry-after': '120' })
        .end();
    });
    // Act
    const r = await postWebhook(`http://127.0.0.1:${port}/hook`, '{}', {}, LOCAL);
    // Assess: a 3xx is an answer the delivery counts as failed; nothing else was fetched
    expect(r).toEqual({ kind: 'answered', status: 302, retryAfterSeconds: 120 });
    expect(hits).toBe(1);
  });

  it('refuses loopback and private receivers in the deployed configuration, before any connection', async () => {
    // Prepare
    let hits = 0;
    const port = await receiver((_req, res) => {
      hits++;
      res.writeHead(200).end();
    });
    const privateDns = async () => [{ address: '10.0.0.1', family: 4 as const }];
    // Act
    const loop = await postWebhook(`https://127.0.0.1:${port}/hook`, '{}', {});
    const named = await postWebhook('https://rebinding.example.com/hook', '{}', {}, { resolve: privateDns });
    // Assess
    expect(loop).toEqual({ kind: 'refused', reason: 'forbidden-address' });
    expect(named).toEqual({ kind: 'refused', reason: 'forbidden-address' });
    expect(hits).toBe(0);
  });

  it('gives up on a receiver that never answers', async () => {
    // Prepare
    const port = await receiver(() => undefined);
    // Act
    const r = await postWebhook(`http://127.0.0.1:${port}/hook`, '{}', {}, { ...LOCAL, timeoutMs: 200 });
    // Assess
    expect(r).toEqual({ kind: 'failed', reason: 'timeout' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    // Assess
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds(new Date(Date.now() + 90_000).toUTCString())).toBeGreaterThanOrEqual(89);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });
});
