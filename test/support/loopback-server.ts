/**
 * A real node:http server on 127.0.0.1:0 that records every request (method, path, query, headers, raw
 * body) and answers with a swappable handler, so client tests assert what actually went on the wire.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface RecordedRequest {
  method: string;
  /** Raw request target as received (path + query). */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Responder = (
  req: RecordedRequest,
  res: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

export interface LoopbackServer {
  url: string;
  requests: RecordedRequest[];
  respond(fn: Responder): void;
  close(): Promise<void>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const answerEmptyJson: Responder = (_req, res) => sendJson(res, 200, {});

export async function startLoopback(initial?: Responder): Promise<LoopbackServer> {
  let responder: Responder = initial ?? answerEmptyJson;
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const target = raw.url ?? '/';
      const parsed = new URL(target, 'http://loopback');
      const rec: RecordedRequest = {
        method: raw.method ?? '',
        target,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      Promise.resolve(responder(rec, res, raw)).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 599, { loopbackError: String(e) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(fn) {
      responder = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LoopbackFixture extends LoopbackServer {
  /** The latest recorded request; throws when none arrived. */
  last(): RecordedRequest;
}

/**
 * One loopback server for the calling test file: started before all tests, closed after, and before each
 * test its recorded requests are cleared and its responder reset to `initial`. Usable at module level.
 */
export function useLoopback(initial: Responder = answerEmptyJson): LoopbackFixture {
  let current: LoopbackServer | undefined;
  const server = (): LoopbackServer => {
    if (!current) throw new Error('loopback server not started: use it inside a test or hook');
    return current;
  };
  beforeAll(async () => {
    current = await startLoopback(initial);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    server().requests.length = 0;
    server().respond(initial);
  });
  return {
    get url() {
      return server().url;
    },
    get requests() {
      return server().requests;
    },
    respond: (fn) => server().respond(fn),
    close: () => server().close(),
    last: () => {
      const r = server().requests.at(-1);
      if (!r) throw new Error('no request recorded');
      return r;
    },
  };
}
