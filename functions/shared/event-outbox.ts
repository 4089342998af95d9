/**
 * The publishing half of the outbox (the writing half is DynamoRecordStore: each event is appended to
 * its record's `outbox` in the write that moves the status). Publishing one event: keep it in the event
 * log (`event#<id>`, what webhook deliveries and replays read), put it on the bus, then take it out of
 * the record's outbox. A crash or a failure anywhere leaves it in the outbox; the sweep
 * (functions/scheduled/publish-events.ts) finds those records through the sparse byOutbox index and
 * publishes again. So every event is published at least once, always with its stable ID; receivers
 * (and our webhook fan-out, which creates one delivery per event and endpoint) dedupe on it.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StackEvent } from '../core/events';
import {
  EVENT_PARTITION,
  INDEXES,
  OUTBOX_ATTRIBUTE,
  OUTBOX_PENDING,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  createdKey,
  eventKey,
  recordKey,
} from '../core/records';
import { dynamoClient, type EventSink } from './dynamodb';
import { putEvent } from './eventbridge';
import { logger } from './logger';
import { isConditionFailure } from './conditional-write';

type Item = Record<string, unknown>;

/** The event-log item of an event (layout: functions/core/records/table.ts). */
export function eventLogItem(event: StackEvent, retentionSeconds: number): Item {
  return {
    [TABLE_KEY]: eventKey(event.id),
    kind: EVENT_PARTITION,
    createdKey: createdKey(event.time, event.id),
    event,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(event.time) / 1000) + retentionSeconds,
  };
}

export interface SweepResult {
  records: number;
  published: number;
  failed: number;
}

export class EventOutbox implements EventSink {
  constructor(
    private readonly table: string,
    private readonly busName: string,
    private readonly retentionSeconds: number,
    private readonly client = dynamoClient,
    private readonly put: (bus: string, e: StackEvent) => Promise<boolean> = putEvent,
  ) {}

  async publish(event: StackEvent): Promise<void> {
    try {
      await this.client().send(
        new PutCommand({ TableName: this.table, Item: eventLogItem(event, this.retentionSeconds) }),
      );
      if (!(await this.put(this.busName, event))) return;
      await this.takeOut(event);
    } catch (e) {
      logger.error('event left in the outbox', {
        eventId: event.id,
        type: event.type,
        errorName: e instanceof Error ? e.name : 'unknown',
      });
    }
  }

  /** Removes a published event from its record's outbox (and the record from byOutbox when empty). */
  private async takeOut(event: StackEvent): Promise<void> {
    const key = { [TABLE_KEY]: recordKey(event.data.kind, event.data.id) };
    for (let i = 0; i < 5; i++) {
      const item = (
        await this.client().send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))
      ).Item;
      const outbox = Array.isArray(item?.[OUTBOX_ATTRIBUTE]) ? (item[OUTBOX_ATTRIBUTE] as StackEvent[]) : [];
      const at = outbox.findIndex((e) => e.id === event.id);
      if (at < 0) return;
      const last = outbox.length === 1;
      try {
        await this.client().send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: last ? 'REMOVE #o, #os, #oa' : `REMOVE #o[${at}]`,
            ConditionExpression: `size(#o) = :n AND #o[${at}].id = :id`,
            ExpressionAttributeNames: {
              '#o': OUTBOX_ATTRIBUTE,
              ...(last ? { '#os': 'outboxState', '#oa': 'outboxAt' } : {}),
            },
            ExpressionAttributeValues: { ':n': outbox.length, ':id': event.id },
          }),
        );
        return;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
  }

  /** Publishes what records have held in their outbox since before `before` (ISO). */
  async sweep(before: string, limit = 100): Promise<SweepResult> {
    const ix = INDEXES.byOutbox;
    const out = await this.client().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: ix.name,
        KeyConditionExpression: '#p = :p AND #s <= :before',
        ExpressionAttributeNames: { '#p': ix.partitionKey, '#s': ix.sortKey },
        ExpressionAttributeValues: { ':p': OUTBOX_PENDING, ':before': before },
        Limit: limit,
      }),
    );
    const result: SweepResult = { records: 0, published: 0, failed: 0 };
    for (const item of out.Items ?? []) {
      result.records++;
      const outbox = Array.isArray(item[OUTBOX_ATTRIBUTE]) ? (item[OUTBOX_ATTRIBUTE] as StackEvent[]) : [];
      for (const event of outbox) {
        await this.publish(event);
        const still = await this.pending(event);
        if (still) result.failed++;
        else result.published++;
      }
    }
    return result;
  }

  private async pending(event: StackEvent): Promise<boolean> {
    const item = (
      await this.client().send(
        new GetCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: recordKey(event.data.kind, event.data.id) },
          ConsistentRead: true,
        }),
      )
    ).Item;
    const outbox = Array.isArray(item?.[OUTBOX_ATTRIBUTE]) ? (item[OUTBOX_ATTRIBUTE] as StackEvent[]) : [];
    return outbox.some((e) => e.id === event.id);
  }
}
