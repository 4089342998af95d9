/**
 * A fault-injecting HTTP proxy in front of dynalite for the governor's items (`budget#…`): answers
 * DynamoDB's own ThrottlingException, refuses conditional writes with ConditionalCheckFailedException
 * as if another writer had won, and drops the answer of a grant that DynamoDB did apply (the caller
 * never learns it got the slot, as when its step dies right after). Record writes pass untouched.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from './prng';

export interface DynamoFaults {
  throttleRate: number;
  conflictRate: number;
  /** Share of applied budget writes whose answer is dropped (connection destroyed). */
  lostAnswerRate: number;
  /**
   * Each kind fires on its first chances at least this often, whatever the dice say: how many budget
   * writes a run makes depends on timing, so a rate alone can leave a kind unexercised on a loaded machine.
   */
  atLeast?: number;
}

export interface DynamoFaultProxy {
  url: string;
  fired: { throttled: number; conflicts: number; lostAnswers: number; budgetRequests: number };
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

function awsError(res: ServerResponse, type: string, message: string): void {
  const text = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res.writeHead(400, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startDynamoFaultProxy(
  target: string,
  faults: DynamoFaults,
  seed = 42,
): Promise<DynamoFaultProxy> {
  const random = prng(seed);
  const fired = { throttled: 0, conflicts: 0, lostAnswers: 0, budgetRequests: 0 };
  const due = (n: number, rate: number) => n < (faults.atLeast ?? 0) || random() < rate;
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      const text = raw.toString('utf8');
      const op =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const budget = text.includes('"budget#');
      const conditional = op === 'UpdateItem' && text.includes('ConditionExpression');
      if (budget) {
        fired.budgetRequests++;
        if (due(fired.throttled, faults.throttleRate)) {
          fired.throttled++;
          return awsError(res, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
        }
        if (conditional && due(fired.conflicts, faults.conflictRate)) {
          fired.conflicts++;
          return awsError(res, 'ConditionalCheckFailedException', 'The conditional request failed');
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        body: raw,
      });
      const out = Buffer.from(await answer.arrayBuffer());
      if (budget && conditional && answer.status === 200 && due(fired.lostAnswers, faults.lostAnswerRate)) {
        fired.lostAnswers++;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
        'content-length': out.length,
      });
      res.end(out);
    })().catch(() => {
      if (!res.headersSent) awsError(res, 'InternalServerError', 'proxy failure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fired,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
