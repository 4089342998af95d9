/** Small node:http helpers shared by the simulator's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 10 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > MAX_BODY) {
        reject(new BodyTooLarge('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A 200 whose body is cut mid-JSON, for the `malformed` fault. */
export function sendMalformed(res: ServerResponse, prefix: string): void {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(prefix),
  });
  res.end(prefix);
}

/** Drops the TCP connection without an answer, for the `reset` fault. */
export function resetConnection(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** JSON body or undefined for an empty one; throws SyntaxError on bad JSON. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  return text === '' ? undefined : JSON.parse(text);
}
