/**
 * A minimal server for the AWS JSON RPC protocol (POST /, `X-Amz-Target: <Prefix>.<Action>`, JSON body,
 * errors as 400 `{"__type","message"}`), enough for the real `@aws-sdk/client-*` to talk to our local
 * Step Functions and Secrets Manager endpoints. Hand-written because no maintained npm package serves
 * these two services in process; both only listen on loopback and check no signature.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error the client should see under its AWS error code (`__type`). */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type ActionHandler = (body: Record<string, unknown>) => unknown;

export interface AwsJsonServerOptions {
  /** `AWSStepFunctions`, `secretsmanager`. */
  targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  contentType: string;
  actions: Record<string, ActionHandler>;
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface AwsJsonServer extends RunningServer {
  /** Requests answered so far, by action: tests and benches count control-plane calls with it. */
  calls: Map<string, number>;
}

/** Timestamps travel as epoch seconds in this protocol. */
function serialize(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, body: unknown): void {
  const text = serialize(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

export function listen(server: Server, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolveListen({
        url: `http://${host}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export async function startAwsJsonServer(opts: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const calls = new Map<string, number>();
  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, action] = target.split('.', 2);
      const error = (status: number, type: string, message: string) =>
        send(res, status, opts.contentType, { __type: type, message });
      if (req.method !== 'POST' || prefix !== opts.targetPrefix || !action) {
        error(400, 'UnknownOperationException', `Unknown operation ${target || '(none)'}`);
        return;
      }
      const handler = opts.actions[action];
      if (!handler) {
        error(400, 'UnknownOperationException', `Operation ${action} is not supported locally`);
        return;
      }
      calls.set(action, (calls.get(action) ?? 0) + 1);
      try {
        const text = await readBody(req);
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        send(res, 200, opts.contentType, (await handler(body)) ?? {});
      } catch (e) {
        if (e instanceof AwsServiceError) error(e.status, e.type, e.message);
        else if (e instanceof SyntaxError)
          error(400, 'SerializationException', 'Request body is not valid JSON');
        else error(500, 'InternalFailure', e instanceof Error ? e.message : 'internal error');
      }
    })();
  });
  return { ...(await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 0)), calls };
}
