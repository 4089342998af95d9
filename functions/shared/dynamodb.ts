/**
 * The DynamoDB adapter: the state table (functions/core/records/table.ts) behind the RecordStore port.
 * Every transition is one UpdateItem whose condition keeps the record from moving backwards
 * (functions/core/records/transitions.ts); a refused write is not an error, it is an older fact.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CallbackStore, CallbackWait, FetchedTask } from '../core/callbacks';
import { eventForChange, eventForCreate, type StackEvent } from '../core/events';
import type { Config } from '../core/config';
import type { UsageRow, UsageSource } from '../core/usage';
import {
  OUTBOX_ATTRIBUTE,
  OUTBOX_PENDING,
  callbackWaitKey,
  fetchedTaskKey,
  INDEXES,
  TABLE_KEY,
  TERMINAL_RANK,
  TTL_ATTRIBUTE,
  USAGE_ATTRIBUTES,
  createdKey,
  groupKey,
  recordKey,
  statusKey,
  type JobRecord,
  type Position,
  type RecordChange,
  type RecordKind,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
} from '../core/records';
import { lazyClient, SDK_CLIENT_OPTIONS } from './lazy-client';
import { logger } from './logger';
import { isConditionFailure } from './conditional-write';

export const dynamoClient = lazyClient(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(SDK_CLIENT_OPTIONS), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);

type Item = Record<string, unknown>;

/** The index attributes of a record (what makes it appear in each list). */
function indexAttributes(
  kind: RecordKind,
  id: string,
  status: string,
  createdAt: string | undefined,
  groupId?: string,
): Item {
  return {
    kind,
    kindStatus: statusKey(kind, status),
    ...(createdAt ? { createdKey: createdKey(createdAt, id) } : {}),
    ...(groupId ? { kindGroup: groupKey(kind, groupId) } : {}),
  };
}

const purgeAt = (at: Date, ttlSeconds: number) => Math.floor(at.getTime() / 1000) + ttlSeconds;

function toRecord(item: Item | undefined): JobRecord | undefined {
  if (!item) return undefined;
  const {
    [TABLE_KEY]: _pk,
    kindStatus: _s,
    kindGroup: _g,
    createdKey: _c,
    [TTL_ATTRIBUTE]: _t,
    [OUTBOX_ATTRIBUTE]: _o,
    outboxState: _os,
    outboxAt: _oa,
    queuedAt: _q,
    ...rest
  } = item;
  return rest as unknown as JobRecord;
}

/**
 * Where a write's event goes. The event is first appended to the record's own outbox (an attribute of
 * the record item) in the same conditional write that moves the status, so a crash after the write
 * cannot lose it: one item, one atomic write, no transaction. `publish` then puts it on the bus and
 * takes it out of the outbox (functions/shared/event-outbox.ts); what it could not publish the sweep
 * finds through the sparse byOutbox index (functions/scheduled/publish-events.ts). At least once,
 * always with the event's stable ID.
 */
export interface EventSink {
  /** Never throws: an event it could not publish stays in the outbox for the sweep. */
  publish(event: StackEvent): Promise<void>;
}

/**
 * Told of every accepted transition with what the record held before it (undefined when the write
 * created the record): the business metrics are counted there (functions/core/metrics).
 */
export type TransitionListener = (change: RecordChange, before: Record<string, unknown> | undefined) => void;

/** The outbox attributes of a record holding `events` (and maybe older ones). */
const OUTBOX_SET = `#outbox = list_append(if_not_exists(#outbox, :noEvents), :events), #outboxState = :pending, #outboxAt = if_not_exists(#outboxAt, :eventTime)`;
const outboxNames = { '#outbox': OUTBOX_ATTRIBUTE, '#outboxState': 'outboxState', '#outboxAt': 'outboxAt' };
const outboxValues = (event: StackEvent) => ({
  ':noEvents': [],
  ':events': [event],
  ':pending': OUTBOX_PENDING,
  ':eventTime': event.time,
});

/** A status race lost this many times in a row is written without its event (and logged). */
const STATUS_RACE_TRIES = 5;

export class DynamoRecordStore implements RecordStore, UsageSource {
  constructor(
    private readonly table: string,
    private readonly client: () => DynamoDBDocumentClient = dynamoClient,
    private readonly events?: EventSink,
    private readonly onTransition?: TransitionListener,
  ) {}

  private async emit(event: StackEvent | undefined): Promise<void> {
    if (event && this.events) await this.events.publish(event);
  }

  async get(kind: RecordKind, id: string): Promise<JobRecord | undefined> {
    const out = await this.client().send(
      new GetCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: recordKey(kind, id) },
        ConsistentRead: true,
      }),
    );
    return toRecord(out.Item);
  }

  async create(record: JobRecord, ttlSeconds: number): Promise<boolean> {
    const groupId = record.kind === 'upload' ? record.groupId : undefined;
    const event = this.events ? eventForCreate(record) : undefined;
    try {
      await this.client().send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...record,
            [TABLE_KEY]: recordKey(record.kind, record.id),
            ...indexAttributes(record.kind, record.id, record.status, record.createdAt, groupId),
            [TTL_ATTRIBUTE]: purgeAt(new Date(record.updatedAt), ttlSeconds),
            ...(event
              ? { [OUTBOX_ATTRIBUTE]: [event], outboxState: OUTBOX_PENDING, outboxAt: event.time }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY },
        }),
      );
      await this.emit(event);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async removeIfRank(kind: RecordKind, id: string, rank: number): Promise<void> {
    try {
      await this.client().send(
        new DeleteCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: recordKey(kind, id) },
          ConditionExpression: '#rank = :rank',
          ExpressionAttributeNames: { '#rank': 'rank' },
          ExpressionAttributeValues: { ':rank': rank },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async advance(change: RecordChange, ttlSeconds: number): Promise<boolean> {
    const names: Record<string, string> = { '#rank': 'rank' };
    const values: Record<string, unknown> = { ':rank': change.rank };
    const sets: string[] = [];
    let n = 0;
    const put = (attr: string, value: unknown, ifMissing = false) => {
      if (value === undefined) return;
      const name = `#a${n}`;
      const val = `:v${n++}`;
      names[name] = attr;
      values[val] = value;
      sets.push(ifMissing ? `${name} = if_not_exists(${name}, ${val})` : `${name} = ${val}`);
    };
    const createdAt = change.setIfMissing.createdAt as string | undefined;
    const groupId =
      change.kind === 'upload' ? (change.setIfMissing.groupId as string | undefined) : undefined;
    put('status', change.status);
    put('rank', change.rank);
    put('updatedAt', change.at.toISOString());
    put(TTL_ATTRIBUTE, purgeAt(change.at, ttlSeconds));
    put('kindStatus', statusKey(change.kind, change.status));
    for (const [k, v] of Object.entries(change.set)) put(k, v);
    // The first time a job is queued, kept through its wake-ups: queue age and time queued count from it.
    if (change.status === 'queued') put('queuedAt', change.at.toISOString(), true);
    const ifMissing: Item = {
      kind: change.kind,
      id: change.id,
      ...change.setIfMissing,
      ...(createdAt ? { createdKey: createdKey(createdAt, change.id) } : {}),
      ...(groupId ? { kindGroup: groupKey(change.kind, groupId) } : {}),
    };
    for (const [k, v] of Object.entries(ifMissing)) put(k, v, true);
    // Terminal: only from a non-terminal record. Otherwise: not from a record already further on.
    const condition =
      change.rank >= TERMINAL_RANK
        ? 'attribute_not_exists(#rank) OR #rank < :rank'
        : 'attribute_not_exists(#rank) OR #rank <= :rank';
    const update = {
      TableName: this.table,
      Key: { [TABLE_KEY]: recordKey(change.kind, change.id) },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    const alone = async (): Promise<boolean> => {
      try {
        const out = await this.client().send(
          new UpdateCommand(this.onTransition ? { ...update, ReturnValues: 'ALL_OLD' as const } : update),
        );
        this.onTransition?.(change, out.Attributes);
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    };
    if (!this.events) return alone();
    const passes = (rank: unknown) =>
      typeof rank !== 'number' || (change.rank >= TERMINAL_RANK ? rank < change.rank : rank <= change.rank);
    for (let i = 0; i < STATUS_RACE_TRIES; i++) {
      // What the record holds: the status it moves from (an event only when it changes) and the facts
      // the event carries that this write does not set (groupId, taskId, the caller's metadata).
      const before = (
        await this.client().send(
          new GetCommand({
            TableName: this.table,
            Key: { [TABLE_KEY]: recordKey(change.kind, change.id) },
            ConsistentRead: true,
          }),
        )
      ).Item;
      if (before && !passes(before.rank)) return false;
      const previous = typeof before?.status === 'string' ? before.status : undefined;
      const event = eventForChange(change, previous, before ?? {});
      if (!event) return alone();
      try {
        // The event is the record's only if the status is still the one it moves from.
        await this.client().send(
          new UpdateCommand({
            ...update,
            UpdateExpression: `SET ${sets.join(', ')}, ${OUTBOX_SET}`,
            ConditionExpression: `(${condition}) AND ${previous === undefined ? 'attribute_not_exists(#was)' : '#was = :was'}`,
            ExpressionAttributeNames: { ...names, ...outboxNames, '#was': 'status' },
            ExpressionAttributeValues: {
              ...values,
              ...outboxValues(event),
              ...(previous === undefined ? {} : { ':was': previous }),
            },
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) continue; // another write moved it meanwhile: look again
        throw e;
      }
      this.onTransition?.(change, before);
      await this.emit(event);
      return true;
    }
    logger.warn('record written without its event after repeated status races', { status: change.status });
    return alone();
  }

  usagePage(
    range: { from: string; to: string },
    after?: Position,
  ): Promise<{ rows: UsageRow[]; next?: Position }> {
    return usagePage(this.client(), this.table, range, after);
  }

  async query(q: RecordQuery): Promise<RecordPage> {
    const index = INDEXES[q.index];
    const names: Record<string, string> = { '#p': index.partitionKey };
    if (q.from !== undefined || q.to !== undefined) names['#s'] = index.sortKey;
    const values: Record<string, unknown> = { ':p': q.partition };
    let keyCondition = '#p = :p';
    if (q.from !== undefined && q.to !== undefined) {
      keyCondition += ' AND #s BETWEEN :from AND :to';
      values[':from'] = q.from;
      values[':to'] = q.to;
    } else if (q.from !== undefined) {
      keyCondition += ' AND #s >= :from';
      values[':from'] = q.from;
    } else if (q.to !== undefined) {
      keyCondition += ' AND #s <= :to';
      values[':to'] = q.to;
    }
    let filter: string | undefined;
    if (q.withGroup !== undefined) {
      names['#g'] = 'groupIds';
      values[':g'] = q.withGroup;
      filter = 'contains(#g, :g)';
    }
    const out = await this.client().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: keyCondition,
        ...(filter ? { FilterExpression: filter } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: !q.newestFirst,
        Limit: q.limit,
        ...(q.after ? { ExclusiveStartKey: q.after } : {}),
      }),
    );
    const positionOf = (item: Item): Position => ({
      [TABLE_KEY]: String(item[TABLE_KEY]),
      [index.partitionKey]: String(item[index.partitionKey]),
      [index.sortKey]: String(item[index.sortKey]),
    });
    return {
      items: (out.Items ?? []).map((item) => ({
        record: toRecord(item) as JobRecord,
        position: positionOf(item),
      })),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Position } : {}),
    };
  }
}

/**
 * GET /usage's reading: the creation-time index over the range, only the ledger attributes
 * (USAGE_ATTRIBUTES, which is also all its IAM grant allows), only records that have a ledger line.
 * No Limit: each page is DynamoDB's 1 MB of records read, the fewest round trips.
 */
async function usagePage(
  client: DynamoDBDocumentClient,
  table: string,
  range: { from: string; to: string },
  after?: Position,
): Promise<{ rows: UsageRow[]; next?: Position }> {
  const index = INDEXES.byCreated;
  const names: Record<string, string> = Object.fromEntries(USAGE_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
  const ref = (attr: (typeof USAGE_ATTRIBUTES)[number]) => `#a${USAGE_ATTRIBUTES.indexOf(attr)}`;
  const out = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.name,
      // `createdKey` is `<createdAt>#<id>`: '#' sorts before any ID character and '~' after all of them.
      KeyConditionExpression: `${ref('kind')} = :kind AND ${ref('createdKey')} BETWEEN :from AND :to`,
      FilterExpression: `attribute_exists(${ref('usage')})`,
      ProjectionExpression: USAGE_ATTRIBUTES.map(ref).join(', '),
      Select: 'SPECIFIC_ATTRIBUTES',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':kind': 'video',
        ':from': createdKey(range.from, ''),
        ':to': createdKey(range.to, '~'),
      },
      ScanIndexForward: true,
      ...(after ? { ExclusiveStartKey: after } : {}),
    }),
  );
  const rows = (out.Items ?? []).map((item) => ({
    videoId: String(item.id),
    createdAt: String(item.createdAt),
    ...(typeof item.caller === 'string' ? { caller: item.caller } : {}),
    usage: item.usage as UsageRow['usage'],
  }));
  return { rows, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Position } : {}) };
}

/** The callback helpers (waits and fetched tasks) in the same table, expiring with the same TTL. */
export class DynamoCallbackStore implements CallbackStore {
  constructor(
    private readonly table: string,
    private readonly client: () => DynamoDBDocumentClient = dynamoClient,
  ) {}

  async arm(wait: CallbackWait, ttlSeconds: number): Promise<void> {
    await this.client().send(
      new PutCommand({
        TableName: this.table,
        Item: {
          [TABLE_KEY]: callbackWaitKey(wait.videoId),
          ...wait,
          [TTL_ATTRIBUTE]: purgeAt(new Date(wait.armedAt), ttlSeconds),
        },
      }),
    );
  }

  async get(videoId: string): Promise<CallbackWait | undefined> {
    const out = await this.client().send(
      new GetCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: callbackWaitKey(videoId) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { [TABLE_KEY]: _pk, [TTL_ATTRIBUTE]: _t, ...wait } = out.Item;
    return wait as unknown as CallbackWait;
  }

  async disarm(videoId: string, token: string): Promise<boolean> {
    try {
      await this.client().send(
        new DeleteCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: callbackWaitKey(videoId) },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async keepTask(videoId: string, fetched: FetchedTask, ttlSeconds: number): Promise<void> {
    await this.client().send(
      new PutCommand({
        TableName: this.table,
        Item: {
          [TABLE_KEY]: fetchedTaskKey(videoId),
          ...fetched,
          [TTL_ATTRIBUTE]: purgeAt(new Date(fetched.fetchedAt), ttlSeconds),
        },
      }),
    );
  }

  async takeTask(videoId: string): Promise<FetchedTask | undefined> {
    const out = await this.client().send(
      new DeleteCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: fetchedTaskKey(videoId) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!out.Attributes) return undefined;
    const { [TABLE_KEY]: _pk, [TTL_ATTRIBUTE]: _t, ...fetched } = out.Attributes;
    return fetched as unknown as FetchedTask;
  }
}

let callbackStore: { table: string; store: CallbackStore } | undefined;

/** The callback store of a table, built once per process (its client is the lazy one). */
export function callbackStoreFor(table: string): CallbackStore {
  if (callbackStore?.table !== table) callbackStore = { table, store: new DynamoCallbackStore(table) };
  return callbackStore.store;
}

export const ttlSecondsOf = (config: Pick<Config, 'recordTtlDays'>): number => config.recordTtlDays * 86_400;
