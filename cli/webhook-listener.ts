/**
 * `seedance webhooks listen`: a receiver on loopback, registered as a webhook endpoint of the (local)
 * stack, that verifies every delivery with the `standardwebhooks` library (what a real receiver does)
 * and hands each verified event on; unregistered on close. A request that does not verify is answered
 * 400 and reported, so a broken signature shows up at once. Deliveries are answered 204 at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { ApiClient } from './api-client';
import type { WebhookEndpoint } from './api-types';

export interface ListenedEvent {
  webhookId: string;
  event: { id: string; type: string; time: string; data: Record<string, unknown> };
}

export interface WebhookListenerOptions {
  client: ApiClient;
  /** Event types to register for; undefined = every type. */
  events?: string[];
  port?: number;
  onEvent(e: ListenedEvent): void;
  onInvalid(reason: string): void;
}

export interface WebhookListener {
  endpoint: WebhookEndpoint;
  url: string;
  close(): Promise<void>;
}

export async function startWebhookListener(opts: WebhookListenerOptions): Promise<WebhookListener> {
  // Set once the endpoint exists: a delivery cannot come before its secret does.
  const state: { verifier?: Webhook } = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        if (!state.verifier) throw new Error('not registered yet');
        const event = state.verifier.verify(
          body,
          req.headers as Record<string, string>,
        ) as ListenedEvent['event'];
        res.writeHead(204).end();
        opts.onEvent({ webhookId: String(req.headers['webhook-id']), event });
      } catch (e) {
        res.writeHead(400).end();
        opts.onInvalid(e instanceof Error ? e.message : String(e));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const stopServer = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  let created;
  try {
    created = await opts.client.createWebhook({
      url,
      ...(opts.events ? { events: opts.events } : {}),
      description: 'seedance webhooks listen',
    });
  } catch (e) {
    await stopServer();
    throw e;
  }
  const { secret, ...endpoint } = created;
  state.verifier = new Webhook(secret);
  return {
    endpoint,
    url,
    close: async () => {
      try {
        await opts.client.deleteWebhook(endpoint.id);
      } finally {
        await stopServer();
      }
    },
  };
}

/** One line per event: time, type, job, status and the error code of a failure. */
export function eventLine(e: ListenedEvent): string {
  const d = e.event.data;
  const error = (d.error as { code?: string } | undefined)?.code;
  return [
    e.event.time,
    e.event.type.padEnd(18),
    String(d.id ?? ''),
    error ? `error ${error}` : '',
    `(${e.webhookId})`,
  ]
    .filter(Boolean)
    .join('  ');
}
