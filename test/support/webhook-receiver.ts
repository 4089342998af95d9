// A webhook receiver on loopback that verifies every request with the `standardwebhooks` library (the
// oracle: what a real receiver checks), and answers what its script says per attempt of a webhook-id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { StackEvent } from '../../functions/core/events';

export interface Received {
  path: string;
  webhookId: string;
  /** 1-based attempt of this webhook-id at this path. */
  attempt: number;
  status: number;
  verified: boolean;
  event?: StackEvent;
}

export interface Receiver {
  url: (path: string) => string;
  /** The endpoint secret for a path, once registered. */
  secrets: Map<string, string>;
  received: Received[];
  close(): Promise<void>;
}

/** `answer(path, attempt)` picks the status for the attempt-th request of one webhook-id at `path`. */
export async function startReceiver(answer: (path: string, attempt: number) => number): Promise<Receiver> {
  const secrets = new Map<string, string>();
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const webhookId = String(req.headers['webhook-id'] ?? '');
      const key = `${path} ${webhookId}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      let verified = false;
      let event: StackEvent | undefined;
      const secret = secrets.get(path);
      try {
        if (secret) {
          event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as StackEvent;
          verified = true;
        }
      } catch {
        verified = false;
      }
      const status = verified ? answer(path, attempt) : 400;
      received.push({ path, webhookId, attempt, status, verified, ...(event ? { event } : {}) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    secrets,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
