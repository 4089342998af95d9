// The state table on dynalite: transitions are conditional on their order, so a replayed or late
// write never moves a record backwards; lists page exactly, newest first, with the filters in the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listVideoRecords,
  newUploadRecord,
  newVideoRecord,
  uploadChange,
  uploadEndChange,
  videoChange,
  videoEndChange,
  videoProgressChange,
  type VideoRecord,
} from '../../functions/core/records';
import type { VideoJobInput } from '../../functions/core/video';
import { DynamoRecordStore, dynamoClient } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';

const TTL = 400 * 86_400;
let table: TestTable;
let store: DynamoRecordStore;

beforeAll(async () => {
  table = await startTestTable('records-test');
  store = new DynamoRecordStore('records-test', dynamoClient);
});
afterAll(async () => {
  await table.stop();
});

function jobInput(videoId: string, requestedAt: string, groupIds?: string[]): VideoJobInput {
  return {
    videoId,
    fingerprint: `fp-${videoId}`,
    requestedAt,
    request: { model: 'doubao-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] },
    ...(groupIds ? { groupIds } : {}),
  };
}

describe('state table transitions', () => {
  it('a replayed earlier transition does not regress a video record', async () => {
    // Prepare
    const input = jobInput('vid-replay0000000000000001', '2026-01-01T00:00:00.000Z');
    await store.create(newVideoRecord({ ...input, model: input.request.model, groupIds: [] }), TTL);
    const queued = videoProgressChange(input, { taskId: 'cgt-1', taskStatus: 'queued', createAttempts: 1 });
    const running = videoProgressChange(input, { taskId: 'cgt-1', taskStatus: 'running', createAttempts: 1 });
    // Act
    expect(await store.advance(queued, TTL)).toBe(true);
    expect(await store.advance(running, TTL)).toBe(true);
    const replayed = await store.advance(queued, TTL);
    // Assess
    expect(replayed).toBe(false);
    expect((await store.get('video', input.videoId))?.status).toBe('running');
  });

  it('a terminal record takes no further write, not even another terminal one', async () => {
    // Prepare
    const input = jobInput('vid-terminal00000000000001', '2026-01-01T00:00:01.000Z');
    await store.advance(videoChange(input, 'saving', { taskId: 'cgt-2' }), TTL);
    const succeeded = videoEndChange({
      name: input.videoId,
      status: 'SUCCEEDED',
      input: JSON.stringify(input),
      output: JSON.stringify({
        videoId: input.videoId,
        taskId: 'cgt-2',
        model: 'm',
        video: { key: 'k', bytes: 1, contentType: 'video/mp4' },
      }),
      stopDate: new Date('2026-01-01T00:05:00Z'),
    });
    // Act
    const first = await store.advance(succeeded, TTL);
    const lateFailure = await store.advance(
      videoEndChange({
        name: input.videoId,
        status: 'FAILED',
        error: 'VideoFailed',
        input: JSON.stringify(input),
      }),
      TTL,
    );
    const latePoll = await store.advance(
      videoProgressChange(input, { taskId: 'cgt-2', taskStatus: 'running', createAttempts: 1 }),
      TTL,
    );
    // Assess
    expect([first, lateFailure, latePoll]).toEqual([true, false, false]);
    const rec = (await store.get('video', input.videoId)) as VideoRecord;
    expect(rec.status).toBe('succeeded');
    expect(rec.result?.video.key).toBe('k');
    expect(rec.createdAt).toBe('2026-01-01T00:00:01.000Z');
  });

  it('a step write before the API write still leaves a listable record, and the API create then yields', async () => {
    // Prepare
    const input = jobInput('vid-early000000000000000001', '2026-01-01T00:00:02.000Z', ['grp-a']);
    // Act
    await store.advance(
      videoProgressChange(input, { taskId: 'cgt-3', taskStatus: 'queued', createAttempts: 1 }),
      TTL,
    );
    const created = await store.create(newVideoRecord({ ...input, model: 'm', groupIds: ['grp-a'] }), TTL);
    // Assess
    expect(created).toBe(false);
    const rec = (await store.get('video', input.videoId)) as VideoRecord;
    expect(rec).toMatchObject({
      status: 'queued',
      taskId: 'cgt-3',
      createdAt: input.requestedAt,
      groupIds: ['grp-a'],
    });
  });

  it('an upload keeps its file name through its transitions, and a replayed validating write is refused', async () => {
    // Prepare
    const uploadId = '01JGZZ0000AAAAAAAAAAAAAAAA';
    await store.create(
      newUploadRecord({
        uploadId,
        groupId: 'grp-u',
        fileName: 'face.png',
        contentType: 'image/png',
        contentLength: 10,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        uploadExpiresAt: new Date('2026-01-01T00:10:00Z'),
      }),
      TTL,
    );
    // Act
    await store.advance(uploadChange({ uploadId, groupId: 'grp-u' }, 'validating'), TTL);
    await store.advance(uploadChange({ uploadId, groupId: 'grp-u' }, 'ingesting'), TTL);
    const replay = await store.advance(uploadChange({ uploadId, groupId: 'grp-u' }, 'validating'), TTL);
    await store.advance(
      uploadEndChange({
        name: uploadId,
        status: 'SUCCEEDED',
        input: JSON.stringify({ uploadId, groupId: 'grp-u' }),
        output: JSON.stringify({ assetId: 'asset-1', assetUri: 'asset://asset-1' }),
      }),
      TTL,
    );
    // Assess
    expect(replay).toBe(false);
    expect(await store.get('upload', uploadId)).toMatchObject({
      status: 'active',
      fileName: 'face.png',
      groupId: 'grp-u',
      assetId: 'asset-1',
    });
  });
});

describe('listing videos', () => {
  it('pages exactly, newest first, with status and group filters and a time range', async () => {
    // Prepare: 23 videos, every third one running, groups alternating
    const local = new DynamoRecordStore('records-test', dynamoClient);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const at = new Date(Date.UTC(2026, 1, 1, 0, 0, i)).toISOString();
      const input = jobInput(`vid-list${String(i).padStart(18, '0')}`, at, [i % 2 ? 'grp-odd' : 'grp-even']);
      ids.push(input.videoId);
      await local.create(newVideoRecord({ ...input, model: 'm', groupIds: input.groupIds ?? [] }), TTL);
      if (i % 3 === 0)
        await local.advance(
          videoProgressChange(input, { taskId: `t${i}`, taskStatus: 'running', createAttempts: 1 }),
          TTL,
        );
    }
    const range = { createdAfter: '2026-02-01T00:00:00.000Z', createdBefore: '2026-02-01T00:00:22.000Z' };
    const all = async (filter: Parameters<typeof listVideoRecords>[1], size: number) => {
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await listVideoRecords(local, filter, size, token);
        pages.push(page.items.map((r) => r.id));
        token = page.nextToken;
      } while (token);
      return pages;
    };
    // Act
    const plain = await all(range, 10);
    const odd = await all({ ...range, groupId: 'grp-odd' }, 4);
    const running = await all({ ...range, status: 'running' }, 3);
    // Assess
    expect(plain.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(plain.flat()).toEqual([...ids].reverse());
    expect(odd.map((p) => p.length)).toEqual([4, 4, 3]);
    expect(odd.flat()).toEqual(ids.filter((_, i) => i % 2).reverse());
    expect(running.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(running.flat()).toEqual(ids.filter((_, i) => i % 3 === 0).reverse());
  });

  it('refuses a cursor made for other filters', async () => {
    // Prepare
    const first = await listVideoRecords(store, {}, 1);
    // Act
    const reuse = listVideoRecords(store, { status: 'succeeded' }, 1, first.nextToken);
    // Assess
    expect(first.nextToken).toBeDefined();
    await expect(reuse).rejects.toMatchObject({ status: 400, code: 'InvalidNextToken' });
  });
});
