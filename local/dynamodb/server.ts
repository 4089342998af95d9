/**
 * The local DynamoDB: dynalite, in memory, on loopback, with the state table created from the same
 * layout the stack deploys (functions/core/records/table.ts). Handlers reach it through
 * AWS_ENDPOINT_URL_DYNAMODB like any SDK client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { INDEXES, TABLE_KEY, TTL_ATTRIBUTE } from '../../functions/core/records';
import type { RunningServer } from '../sfn/aws-json';

export interface LocalDynamo extends RunningServer {
  table: string;
  /** A client on this endpoint (tests read the table with it). */
  client: DynamoDBClient;
}

export interface LocalDynamoOptions {
  table: string;
  host?: string;
  port?: number;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * `process`: dynalite runs in a child process, off the event loop of the Lambdas, state machines and
   * servers of the stack, as the real service runs on machines of its own (LocalStackOptions.table).
   * `inline` (default): in this process, cheaper to start.
   */
  mode?: 'inline' | 'process';
}

/** How long requests being served may take to finish when the local table closes. */
const CLOSE_GRACE_MS = 3_000;

export function stateTableDefinition(table: string): CreateTableCommand['input'] {
  const attributes = new Set<string>([TABLE_KEY]);
  const indexes: GlobalSecondaryIndex[] = Object.values(INDEXES).map((ix) => {
    attributes.add(ix.partitionKey);
    attributes.add(ix.sortKey);
    return {
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey, KeyType: 'HASH' },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  return {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [...attributes].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
    GlobalSecondaryIndexes: indexes,
  };
}

/** dynalite in a child process (dynalite-process.mjs): its port, and how to stop it. */
async function startInChild(
  host: string,
  port: number,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./dynalite-process.mjs', import.meta.url));
  const child: ChildProcess = fork(script, [String(port), host], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`local DynamoDB exited (${String(code)}) before it listened`)),
    );
    child.once('message', (m: { port?: number; error?: string }) =>
      m.port === undefined
        ? reject(new Error(`local DynamoDB did not start: ${m.error ?? 'no port'}`))
        : resolve(m.port),
    );
  });
  child.removeAllListeners('exit');
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.send('close');
    });
  return { port: listening, stop };
}

export async function startLocalDynamo(opts: LocalDynamoOptions): Promise<LocalDynamo> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.mode === 'process') {
    const child = await startInChild(host, opts.port ?? 0);
    return withTable(opts, host, child.port, child.stop);
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // dynalite closes its database once the HTTP server has closed. Cutting the connections of requests
  // still being served (a step or the outbox sweep writing as the stack stops) let their later index
  // writes hit the closed database, where dynalite throws an uncaught "Database is closed". So: stop
  // accepting, let the requests being served finish (their connections are closed as they go idle), and
  // cut what is left only after a grace period.
  const stop = () =>
    new Promise<void>((done) => {
      let finished = false;
      server.close(() => {
        finished = true;
        clearInterval(idle);
        clearTimeout(cut);
        done();
      });
      const idle = setInterval(() => server.closeIdleConnections?.(), 25);
      const cut = setTimeout(() => {
        clearInterval(idle);
        if (!finished) server.closeAllConnections?.();
      }, CLOSE_GRACE_MS);
      server.closeIdleConnections?.();
    });
  return withTable(opts, host, port, stop);
}

/** The state table created on a running dynalite, and a client on it. */
async function withTable(
  opts: LocalDynamoOptions,
  host: string,
  port: number,
  stop: () => Promise<void>,
): Promise<LocalDynamo> {
  const url = `http://${host}:${port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: opts.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const close = async () => {
    client.destroy();
    await stop();
  };
  try {
    await client.send(new CreateTableCommand(stateTableDefinition(opts.table)));
    // dynalite keeps the setting but never expires items; the stack's real table does.
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: opts.table,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      )
      .catch(() => undefined);
  } catch (e) {
    await close();
    throw e;
  }
  return { url, port, table: opts.table, client, close };
}
