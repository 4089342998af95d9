// At-least-once events on dynalite: the event goes into the record's outbox in the same conditional
// write that moves the status, so a publisher that dies (or fails) between the write and the bus loses
// nothing: the sweep publishes it later with the same ID. A re-write of the same status adds nothing.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, type StackEvent } from '../../functions/core/events';
import { newVideoRecord, recordKey, videoChange } from '../../functions/core/records';
import { DynamoRecordStore, dynamoClient } from '../../functions/shared/dynamodb';
import { EventOutbox } from '../../functions/shared/event-outbox';
import { DynamoEventLog } from '../../functions/shared/webhook-store';
import { startTestTable, type TestTable } from '../support/state-table';

const TABLE = 'outbox-test';
const TTL = 400 * 86_400;
let table: TestTable;

beforeAll(async () => {
  table = await startTestTable(TABLE);
});
afterAll(async () => {
  await table.stop();
});

const input = (videoId: string) => ({
  videoId,
  fingerprint: `fp-${videoId}`,
  requestedAt: '2026-12-01T10:00:00.000Z',
  request: { model: 'doubao-seedance-2-0-260128', content: [{ type: 'text' as const, text: 'x' }] },
});

const fresh = (videoId: string, metadata?: Record<string, unknown>) =>
  newVideoRecord({
    videoId,
    fingerprint: `fp-${videoId}`,
    requestedAt: '2026-12-01T10:00:00.000Z',
    model: 'doubao-seedance-2-0-260128',
    groupIds: [],
    ...(metadata ? { metadata } : {}),
  });

async function outboxOf(videoId: string): Promise<StackEvent[]> {
  const out = await dynamoClient().send(
    new GetCommand({ TableName: TABLE, Key: { pk: recordKey('video', videoId) }, ConsistentRead: true }),
  );
  return (out.Item?.outbox as StackEvent[] | undefined) ?? [];
}

/** A bus that is down until `up` is set, recording what it accepted. */
function bus() {
  const accepted: StackEvent[] = [];
  const state = { up: false };
  return {
    accepted,
    state,
    put: async (_bus: string, e: StackEvent) => {
      if (!state.up) return false;
      accepted.push(e);
      return true;
    },
  };
}

describe('event outbox', () => {
  it('keeps the events a failed publish could not send, and the sweep sends them with their IDs', async () => {
    // Prepare: the bus is down while the job moves
    const b = bus();
    const outbox = new EventOutbox(TABLE, 'bus', 30 * 86_400, dynamoClient, b.put);
    const store = new DynamoRecordStore(TABLE, dynamoClient, outbox);
    const id = 'vid-outbox0000000000000000001';
    // Act
    await store.create(fresh(id, { order: 'B-2' }), TTL);
    await store.advance(videoChange(input(id), 'running', { taskId: 'cgt-1' }), TTL);
    await store.advance(videoChange(input(id), 'running', { rawStatus: 'running' }), TTL);
    const held = await outboxOf(id);
    b.state.up = true;
    const swept = await outbox.sweep(new Date(Date.now() + 60_000).toISOString());
    // Assess
    expect(held.map((e) => e.type)).toEqual(['video.queued', 'video.running']);
    expect(b.accepted.map((e) => e.id)).toEqual([
      eventId('video', id, 'queued'),
      eventId('video', id, 'running'),
    ]);
    expect(
      b.accepted.every((e) => (e.data.metadata as { order?: string } | undefined)?.order === 'B-2'),
    ).toBe(true);
    expect(b.accepted[1]?.data.taskId).toBe('cgt-1');
    expect(swept).toMatchObject({ records: 1, published: 2, failed: 0 });
    expect(await outboxOf(id)).toEqual([]);
    expect((await outbox.sweep(new Date(Date.now() + 60_000).toISOString())).records).toBe(0);
    // the event log keeps them for webhook deliveries and replays
    expect((await new DynamoEventLog(TABLE).get(eventId('video', id, 'running')))?.type).toBe(
      'video.running',
    );
  });

  it('publishes at once when the bus is up, leaving an empty outbox; a refused write adds no event', async () => {
    // Prepare
    const b = bus();
    b.state.up = true;
    const outbox = new EventOutbox(TABLE, 'bus', 30 * 86_400, dynamoClient, b.put);
    const store = new DynamoRecordStore(TABLE, dynamoClient, outbox);
    const id = 'vid-outbox0000000000000000002';
    // Act
    await store.create(fresh(id), TTL);
    await store.advance(videoChange(input(id), 'succeeded', {}), TTL);
    const late = await store.advance(videoChange(input(id), 'running', {}), TTL);
    // Assess
    expect(late).toBe(false);
    expect(b.accepted.map((e) => e.type)).toEqual(['video.queued', 'video.succeeded']);
    expect(await outboxOf(id)).toEqual([]);
  });

  it('a writer that dies after its write leaves the event for the sweep (no publish at all)', async () => {
    // Prepare: a sink that never publishes, as a process killed right after the write
    const dead = { publish: async () => undefined };
    const store = new DynamoRecordStore(TABLE, dynamoClient, dead);
    const id = 'vid-outbox0000000000000000003';
    const b = bus();
    b.state.up = true;
    // Act
    await store.create(fresh(id), TTL);
    const before = await outboxOf(id);
    await new EventOutbox(TABLE, 'bus', 30 * 86_400, dynamoClient, b.put).sweep(
      new Date(Date.now() + 60_000).toISOString(),
    );
    // Assess
    expect(before.map((e) => e.id)).toEqual([eventId('video', id, 'queued')]);
    expect(b.accepted.map((e) => e.id)).toEqual([eventId('video', id, 'queued')]);
  });
});
