/**
 * The state table's push items behind the webhook ports (layout: functions/core/records/table.ts):
 * endpoints (`webhook#<id>`, listed through byCreated `webhook`), deliveries (`delivery#<msgId>`,
 * a job's through byGroup `delivery#<endpointId>#<jobId>`, dead letters through byStatus
 * `delivery#dead`) and the event log the publisher writes (`event#<id>`, by time through byCreated
 * `event`). Secrets are stored sealed (functions/core/webhooks/secret-box.ts), never in the clear.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../core/errors';
import type { StackEvent } from '../core/events';
import {
  EVENT_PARTITION,
  INDEXES,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  WEBHOOK_PARTITION,
  createdKey,
  deliveryJobPartition,
  deliveryKey,
  deliveryStatusPartition,
  eventKey,
  webhookKey,
} from '../core/records';
import {
  type Delivery,
  type DeliveryStore,
  type EndpointPage,
  type EndpointStore,
  type EventLog,
  type SealedSecret,
  type WebhookEndpoint,
} from '../core/webhooks';
import { dynamoClient } from './dynamodb';
import { conditionally, isConditionFailure } from './conditional-write';

type Item = Record<string, unknown>;
type Client = () => DynamoDBDocumentClient;

/** SET `fields` on an item that exists; false when it does not (deleted meanwhile). */
async function setIfExists(
  client: DynamoDBDocumentClient,
  table: string,
  key: string,
  fields: Item,
): Promise<boolean> {
  const names: Record<string, string> = { '#pk': TABLE_KEY };
  const values: Item = {};
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  return conditionally(() =>
    client.send(
      new UpdateCommand({
        TableName: table,
        Key: { [TABLE_KEY]: key },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

const INDEX_ATTRIBUTES = [TABLE_KEY, 'kind', 'createdKey', 'kindStatus', 'kindGroup', TTL_ATTRIBUTE];
function strip<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const out: Item = { ...item };
  for (const k of INDEX_ATTRIBUTES) delete out[k];
  return out as T;
}

function encodeToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}
function decodeToken(token: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const ok =
      typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === 3 &&
      typeof key[TABLE_KEY] === 'string' &&
      String(key[TABLE_KEY]).startsWith('webhook#') &&
      key.kind === WEBHOOK_PARTITION &&
      typeof key.createdKey === 'string';
    if (ok) return key as Record<string, string>;
  } catch {
    // falls through to the refusal
  }
  throw new ApiError('InvalidNextToken');
}

export class DynamoEndpointStore implements EndpointStore {
  constructor(
    private readonly table: string,
    private readonly client: Client = dynamoClient,
  ) {}

  async create(e: WebhookEndpoint): Promise<void> {
    await this.client().send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...e,
          [TABLE_KEY]: webhookKey(e.id),
          kind: WEBHOOK_PARTITION,
          createdKey: createdKey(e.createdAt, e.id),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_KEY },
      }),
    );
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const out = await this.client().send(
      new GetCommand({ TableName: this.table, Key: { [TABLE_KEY]: webhookKey(id) }, ConsistentRead: true }),
    );
    return strip<WebhookEndpoint>(out.Item);
  }

  async list(pageSize: number, nextToken?: string): Promise<EndpointPage> {
    const ix = INDEXES.byCreated;
    const out = await this.client().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: ix.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': ix.partitionKey },
        ExpressionAttributeValues: { ':p': WEBHOOK_PARTITION },
        ScanIndexForward: false,
        Limit: pageSize,
        ...(nextToken ? { ExclusiveStartKey: decodeToken(nextToken) } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => strip<WebhookEndpoint>(i) as WebhookEndpoint),
      ...(out.LastEvaluatedKey ? { nextToken: encodeToken(out.LastEvaluatedKey) } : {}),
    };
  }

  async enabled(): Promise<WebhookEndpoint[]> {
    const ix = INDEXES.byCreated;
    const all: WebhookEndpoint[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client().send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ix.name,
          KeyConditionExpression: '#p = :p',
          FilterExpression: '#status = :enabled',
          ExpressionAttributeNames: { '#p': ix.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':p': WEBHOOK_PARTITION, ':enabled': 'enabled' },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const i of out.Items ?? []) all.push(strip<WebhookEndpoint>(i) as WebhookEndpoint);
      after = out.LastEvaluatedKey;
    } while (after);
    return all;
  }

  async remove(id: string): Promise<boolean> {
    return conditionally(() =>
      this.client().send(
        new DeleteCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: webhookKey(id) },
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY },
        }),
      ),
    );
  }

  private set(id: string, fields: Item): Promise<boolean> {
    return setIfExists(this.client(), this.table, webhookKey(id), fields);
  }

  setSecrets(id: string, secrets: SealedSecret[], at: string): Promise<boolean> {
    return this.set(id, { secrets, updatedAt: at });
  }

  async disable(id: string, reason: string, at: string): Promise<void> {
    await this.set(id, { status: 'disabled', disabledReason: reason, updatedAt: at });
  }
}

export class DynamoEventLog implements EventLog {
  constructor(
    private readonly table: string,
    private readonly client: Client = dynamoClient,
  ) {}

  async get(eventId: string): Promise<StackEvent | undefined> {
    const out = await this.client().send(
      new GetCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: eventKey(eventId) },
        ConsistentRead: true,
      }),
    );
    return out.Item?.event as StackEvent | undefined;
  }

  async range(from: string, to: string, limit: number): Promise<StackEvent[]> {
    const ix = INDEXES.byCreated;
    const events: StackEvent[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client().send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ix.name,
          KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#p': ix.partitionKey, '#s': ix.sortKey },
          // `<time>#<id>`: every ID of the last instant sorts before `~`.
          ExpressionAttributeValues: { ':p': EVENT_PARTITION, ':from': from, ':to': `${to}#~` },
          Limit: limit - events.length,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const i of out.Items ?? []) events.push(i.event as StackEvent);
      after = out.LastEvaluatedKey;
    } while (after && events.length < limit);
    return events;
  }
}

export class DynamoDeliveryStore implements DeliveryStore {
  private readonly endpoints: DynamoEndpointStore;
  private readonly events: DynamoEventLog;

  constructor(
    private readonly table: string,
    private readonly retentionSeconds: number,
    private readonly client: Client = dynamoClient,
  ) {
    this.endpoints = new DynamoEndpointStore(table, client);
    this.events = new DynamoEventLog(table, client);
  }

  getEvent(eventId: string): Promise<StackEvent | undefined> {
    return this.events.get(eventId);
  }

  getEndpoint(id: string): Promise<WebhookEndpoint | undefined> {
    return this.endpoints.get(id);
  }

  disableEndpoint(id: string, reason: string, at: string): Promise<void> {
    return this.endpoints.disable(id, reason, at);
  }

  async open(d: Delivery, reset: boolean): Promise<void> {
    try {
      await this.client().send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...d,
            [TABLE_KEY]: deliveryKey(d.msgId),
            kindGroup: deliveryJobPartition(d.endpointId, d.jobId),
            createdKey: createdKey(d.eventTime, d.eventId),
            kindStatus: deliveryStatusPartition(d.state),
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(d.updatedAt) / 1000) + this.retentionSeconds,
          },
          ...(reset
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE_KEY },
              }),
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async update(msgId: string, patch: Partial<Delivery>): Promise<void> {
    const fields: Item = {
      ...patch,
      ...(patch.state ? { kindStatus: deliveryStatusPartition(patch.state) } : {}),
    };
    await setIfExists(this.client(), this.table, deliveryKey(msgId), fields);
  }

  async earlierPending(
    d: Pick<Delivery, 'endpointId' | 'jobId' | 'eventTime' | 'eventId'>,
    aliveSince: string,
  ): Promise<boolean> {
    const ix = INDEXES.byGroup;
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client().send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ix.name,
          KeyConditionExpression: '#p = :p AND #s < :mine',
          FilterExpression: '#st = :pending AND #u >= :alive',
          ExpressionAttributeNames: {
            '#p': ix.partitionKey,
            '#s': ix.sortKey,
            '#st': 'kindStatus',
            '#u': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':p': deliveryJobPartition(d.endpointId, d.jobId),
            ':mine': createdKey(d.eventTime, d.eventId),
            ':pending': deliveryStatusPartition('pending'),
            ':alive': aliveSince,
          },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      if ((out.Items ?? []).length > 0) return true;
      after = out.LastEvaluatedKey;
    } while (after);
    return false;
  }
}
