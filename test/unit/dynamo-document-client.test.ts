// The state table's own client (functions/shared/dynamo-document-client.ts) held to the reference it
// replaces: the SDK's document client (lib-dynamodb over client-dynamodb, configured as the stack
// configured it), both against one dynalite. Then its retries, against a server that answers as
// DynamoDB does when it throttles, fails or drops the connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteCommand,
  DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../../functions/shared/dynamo-document-client';
import { AwsServiceError, regionalEndpoint } from '../../functions/shared/aws-json-client';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/server';

const TABLE = 'lean-client';
const CREDENTIALS = {
  accessKeyId: 'AKIDLEANTEST',
  secretAccessKey: 'lean-secret',
  sessionToken: 'lean-token',
};
const noSleep = async () => undefined;

let dynamo: LocalDynamo;
let lean: DocumentClient;
let reference: sdk.DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ table: TABLE });
  lean = new DocumentClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: CREDENTIALS });
  reference = sdk.DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: CREDENTIALS }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
});
afterAll(async () => {
  reference?.destroy();
  await dynamo?.close();
});

/** An output without the transport's metadata, which differs by construction (attempts, request ID). */
const body = <T extends { $metadata?: unknown }>(out: T) => {
  const { $metadata: _m, ...rest } = out;
  return rest;
};

/** The error name and fields of a refused call. */
async function refusal(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };
    return {
      name: err.name,
      status: err.$metadata?.httpStatusCode,
      fault: err.$fault,
      isError: e instanceof Error,
    };
  }
  return undefined;
}

const ITEM = {
  nested: { list: [1, 'two', { three: 3.5 }, null, true], empty: [], map: { a: { b: 'c' } } },
  big: 9_007_199_254_740_991,
  negative: -0.125,
  bytes: new Uint8Array([0, 1, 2, 250, 255]),
  text: 'ünïcødé ✓',
  dropped: undefined,
};

describe('the lean document client against the SDK document client, same dynalite', () => {
  it('writes and reads items the same way (nested maps, lists, numbers, binary, undefined dropped)', async () => {
    // Act
    await lean.send(new PutCommand({ TableName: TABLE, Item: { pk: 'lean#1', ...ITEM } }));
    await reference.send(new sdk.PutCommand({ TableName: TABLE, Item: { pk: 'sdk#1', ...ITEM } }));
    const crossed = [
      await lean.send(new GetCommand({ TableName: TABLE, Key: { pk: 'sdk#1' }, ConsistentRead: true })),
      await reference.send(
        new sdk.GetCommand({ TableName: TABLE, Key: { pk: 'lean#1' }, ConsistentRead: true }),
      ),
    ];
    const missing = await lean.send(new GetCommand({ TableName: TABLE, Key: { pk: 'nobody' } }));
    const missingRef = await reference.send(new sdk.GetCommand({ TableName: TABLE, Key: { pk: 'nobody' } }));
    // Assess
    const [leanReadsSdk, sdkReadsLean] = crossed;
    const { pk: _a, ...fromSdk } = leanReadsSdk?.Item ?? {};
    const { pk: _b, ...fromLean } = sdkReadsLean?.Item ?? {};
    expect(fromSdk).toEqual(fromLean);
    expect(fromSdk.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(fromSdk.bytes as Uint8Array)).toEqual([0, 1, 2, 250, 255]);
    expect(fromSdk.big).toBe(9_007_199_254_740_991);
    expect('dropped' in fromSdk).toBe(false);
    expect(body(missing)).toEqual(body(missingRef));
    expect(missing.$metadata.httpStatusCode).toBe(200);
  });

  it('answers an update with the same attributes (ADD, list_append, if_not_exists, ALL_OLD / ALL_NEW)', async () => {
    // Prepare
    const update = (pk: string, ReturnValues: 'ALL_OLD' | 'ALL_NEW') => ({
      TableName: TABLE,
      Key: { pk },
      UpdateExpression: 'ADD #n :one SET #log = list_append(if_not_exists(#log, :none), :entry)',
      ExpressionAttributeNames: { '#n': 'count', '#log': 'log' },
      ExpressionAttributeValues: { ':one': 1, ':none': [], ':entry': [{ at: 'now', tags: ['a'] }] },
      ReturnValues,
    });
    // Act
    const out: unknown[] = [];
    for (const rv of ['ALL_OLD', 'ALL_NEW', 'ALL_NEW'] as const) {
      out.push(body(await lean.send(new UpdateCommand(update('lean#u', rv)))));
      out.push(body(await reference.send(new sdk.UpdateCommand(update('sdk#u', rv)))));
    }
    // Assess
    const strip = (o: unknown) => {
      const { pk: _p, ...rest } = (o as { Attributes?: Record<string, unknown> }).Attributes ?? {};
      return rest;
    };
    expect(out.map(strip).filter((_, i) => i % 2 === 0)).toEqual(
      out.map(strip).filter((_, i) => i % 2 === 1),
    );
    expect(strip(out[4])).toEqual({ count: 3, log: [1, 2, 3].map(() => ({ at: 'now', tags: ['a'] })) });
  });

  it('refuses a failed condition with the same error name, status and fault', async () => {
    // Prepare
    const put = { TableName: TABLE, Item: { pk: 'lean#c' }, ConditionExpression: 'attribute_not_exists(pk)' };
    await lean.send(new PutCommand(put));
    // Act
    const mine = await refusal(() => lean.send(new PutCommand(put)));
    const theirs = await refusal(() => reference.send(new sdk.PutCommand(put)));
    const badInput = await refusal(() =>
      lean.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x' } })),
    );
    const badInputRef = await refusal(() =>
      reference.send(new sdk.GetCommand({ TableName: 'no-such-table', Key: { pk: 'x' } })),
    );
    // Assess
    expect(mine).toEqual({
      name: 'ConditionalCheckFailedException',
      status: 400,
      fault: 'client',
      isError: true,
    });
    expect(mine).toEqual(theirs);
    expect(badInput?.name).toBe('ResourceNotFoundException');
    expect(badInput).toEqual(badInputRef);
  });

  it('pages a query on an index and deletes with ALL_OLD like the SDK', async () => {
    // Prepare
    for (let i = 0; i < 7; i++)
      await lean.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: `video#q${i}`, kind: 'qtest', createdKey: `2026-12-03T00:00:0${i}Z#q${i}`, n: i },
        }),
      );
    const query = (ExclusiveStartKey?: Record<string, unknown>) => ({
      TableName: TABLE,
      IndexName: 'byCreated',
      KeyConditionExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': 'qtest' },
      ScanIndexForward: false,
      Limit: 3,
      ExclusiveStartKey,
    });
    // Act
    const pages: { mine: unknown; theirs: unknown }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const mine = await lean.send(new QueryCommand(query(start)));
      const theirs = await reference.send(new sdk.QueryCommand(query(start)));
      pages.push({ mine: body(mine), theirs: body(theirs) });
      start = mine.LastEvaluatedKey;
    } while (start);
    const deleted = await lean.send(
      new DeleteCommand({ TableName: TABLE, Key: { pk: 'video#q0' }, ReturnValues: 'ALL_OLD' }),
    );
    const gone = await lean.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'video#q0' }, ConsistentRead: true }),
    );
    // Assess
    expect(pages).toHaveLength(3);
    for (const p of pages) expect(p.mine).toEqual(p.theirs);
    expect((pages[0]?.mine as { Items: { n: number }[] }).Items.map((i) => i.n)).toEqual([6, 5, 4]);
    expect(deleted.Attributes?.n).toBe(0);
    expect(gone.Item).toBeUndefined();
  });
});

/** A server that answers the first `script.length` requests as scripted, then forwards nothing (200 {}). */
async function scriptedServer(script: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: text });
      const step = script[seen.length - 1];
      if (step) step(req, res);
      else
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"Item":{"pk":{"S":"x"}}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const awsError = (status: number, type: string) => (_req: IncomingMessage, res: ServerResponse) =>
  res
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
    .end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} here` }));
const dropConnection = (req: IncomingMessage) => req.socket.destroy();

describe('the lean document client retries as the SDK does', () => {
  it('retries throttling, 5xx and dropped connections, then answers (3 attempts, backoff from 500 ms or 100 ms)', async () => {
    // Prepare
    const waits: number[] = [];
    const cases = [
      [awsError(400, 'ProvisionedThroughputExceededException'), awsError(400, 'ThrottlingException')],
      [awsError(500, 'InternalServerError'), dropConnection],
    ];
    const results = [];
    // Act
    for (const script of cases) {
      const server = await scriptedServer(script);
      const client = new DocumentClient({
        endpoint: server.url,
        region: 'eu-west-1',
        credentials: CREDENTIALS,
        sleep: async (ms) => void waits.push(ms),
        random: () => 1,
      });
      const out = await client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'x' } }));
      results.push({ item: out.Item, attempts: out.$metadata.attempts, requests: server.seen.length });
      await server.close();
    }
    // Assess
    expect(results).toEqual([
      { item: { pk: 'x' }, attempts: 3, requests: 3 },
      { item: { pk: 'x' }, attempts: 3, requests: 3 },
    ]);
    expect(waits).toEqual([500, 1000, 100, 200]);
  });

  it('stops after 3 attempts with the last error, and does not retry a refusal', async () => {
    // Prepare
    const throttling = await scriptedServer([1, 2, 3, 4].map(() => awsError(400, 'ThrottlingException')));
    const refusing = await scriptedServer([awsError(400, 'ValidationException')]);
    const client = (url: string) =>
      new DocumentClient({ endpoint: url, region: 'eu-west-1', credentials: CREDENTIALS, sleep: noSleep });
    // Act
    const throttled = await client(throttling.url)
      .send(new GetCommand({ TableName: TABLE, Key: { pk: 'x' } }))
      .catch((e: unknown) => e);
    const refused = await client(refusing.url)
      .send(new GetCommand({ TableName: TABLE, Key: { pk: 'x' } }))
      .catch((e: unknown) => e);
    await throttling.close();
    await refusing.close();
    // Assess
    expect(throttled).toBeInstanceOf(AwsServiceError);
    expect((throttled as AwsServiceError).name).toBe('ThrottlingException');
    expect((throttled as AwsServiceError).$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(throttling.seen).toHaveLength(3);
    expect((refused as Error).name).toBe('ValidationException');
    expect((refused as Error).message).toBe('ValidationException here');
    expect(refusing.seen).toHaveLength(1);
  });

  it('signs each request with SigV4 for dynamodb, the session token included, and sends the JSON target', async () => {
    // Prepare
    const server = await scriptedServer([]);
    const client = new DocumentClient({
      endpoint: server.url,
      region: 'eu-west-1',
      credentials: CREDENTIALS,
    });
    // Act
    await client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'x' }, ConsistentRead: true }));
    await server.close();
    // Assess
    const req = server.seen[0];
    if (!req) throw new Error('no request reached the server');
    expect(req.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req.headers['x-amz-security-token']).toBe('lean-token');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLEANTEST\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]*host;[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(req.body)).toEqual({ TableName: TABLE, Key: { pk: { S: 'x' } }, ConsistentRead: true });
  });
});

describe('the AWS JSON transport endpoint', () => {
  it('is the regional endpoint, in the China domain for cn- regions', () => {
    // Prepare
    const service = {
      signingName: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
      endpointVariable: 'DYNAMODB',
    } as const;
    // Act
    const endpoints = ['eu-west-1', 'cn-north-1', 'us-gov-west-1'].map((r) => regionalEndpoint(service, r));
    // Assess
    expect(endpoints).toEqual([
      'https://dynamodb.eu-west-1.amazonaws.com',
      'https://dynamodb.cn-north-1.amazonaws.com.cn',
      'https://dynamodb.us-gov-west-1.amazonaws.com',
    ]);
  });
});
