// GET /usage on dynalite: records written the way the workflow writes them (created by POST /videos,
// then the succeeded transition with its ledger line), summed by day, model and caller over a range;
// the error catalogue's codes for bad input; and the adapter reading every page of a range that spans
// more than one of DynamoDB's 1 MB pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageResponse } from '../../functions/core/api-schemas/usage';
import type { CreateTaskInput } from '../../functions/core/ark/types';
import { newVideoRecord, videoSucceededChange } from '../../functions/core/records';
import type { VideoJobInput } from '../../functions/core/video';
import { handler } from '../../functions/api/get-usage';
import { dynamoClient, DynamoRecordStore } from '../../functions/shared/dynamodb';
import { logger } from '../../functions/shared/logger';
import { startTestTable, type TestTable } from '../support/state-table';
import { apiEvent, errorCode, lambdaContext, parseResult } from './api-event';

const STD = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:sts::123456789012:assumed-role/Renderer';

let table: TestTable;
const store = () => new DynamoRecordStore(table.table);

interface Seeded {
  id: string;
  createdAt: string;
  model: string;
  tokens: number;
  caller?: string;
  resolution?: CreateTaskInput['resolution'];
  videoInput?: boolean;
  /** Grows the record (as a caller's metadata does), so a range spans more than one 1 MB page. */
  padding?: number;
  succeeded?: boolean;
}

/** POST /videos' record, then (unless it did not succeed) SaveVideo's succeeded write with the usage. */
async function seed(v: Seeded): Promise<void> {
  const request: CreateTaskInput = {
    model: v.model,
    content: [
      { type: 'text', text: 'a cat' },
      ...(v.videoInput
        ? [
            {
              type: 'video_url' as const,
              video_url: { url: 'asset://asset-1' },
              role: 'reference_video' as const,
            },
          ]
        : []),
    ],
    resolution: v.resolution ?? '720p',
  };
  const input: VideoJobInput = { videoId: v.id, fingerprint: 'f', requestedAt: v.createdAt, request };
  await store().create(
    newVideoRecord({
      videoId: v.id,
      fingerprint: 'f',
      requestedAt: v.createdAt,
      model: v.model,
      groupIds: [],
      ...(v.caller ? { caller: v.caller } : {}),
      ...(v.padding ? { metadata: { note: 'x'.repeat(v.padding) } } : {}),
    }),
    86_400,
  );
  if (v.succeeded === false) return;
  await store().advance(
    videoSucceededChange(input, {
      videoId: v.id,
      taskId: `cgt-${v.id}`,
      model: v.model,
      video: { key: `videos/${v.id}/video.mp4`, bytes: 1, contentType: 'video/mp4' },
      usage: { completionTokens: v.tokens, totalTokens: v.tokens },
      resolution: request.resolution,
    }),
    86_400,
  );
}

async function usage(query: Record<string, string>) {
  return parseResult(await handler(apiEvent({ path: '/usage', query }), lambdaContext()));
}

beforeAll(async () => {
  logger.setLevel('error');
  table = await startTestTable();
  const videos: Seeded[] = [
    { id: 'vid-a1', createdAt: '2026-11-30T23:59:59.000Z', model: STD, tokens: 999, caller: ALICE },
    { id: 'vid-b1', createdAt: '2026-12-01T00:00:00.000Z', model: STD, tokens: 108_900, caller: ALICE },
    { id: 'vid-b2', createdAt: '2026-12-01T10:00:00.000Z', model: FAST, tokens: 87_300, caller: BOB },
    {
      id: 'vid-b3',
      createdAt: '2026-12-01T11:00:00.000Z',
      model: STD,
      tokens: 1,
      caller: BOB,
      succeeded: false,
    },
    {
      id: 'vid-c1',
      createdAt: '2026-12-02T09:00:00.000Z',
      model: STD,
      tokens: 173_700,
      caller: BOB,
      videoInput: true,
    },
    { id: 'vid-c2', createdAt: '2026-12-02T23:59:59.999Z', model: STD, tokens: 500_000, resolution: '4k' },
    { id: 'vid-d1', createdAt: '2026-12-03T00:00:00.000Z', model: STD, tokens: 777, caller: ALICE },
  ];
  await Promise.all(videos.map(seed));
});

afterAll(async () => table?.stop());

describe('GET /usage', () => {
  it('sums the videos created in the range by day, the end day inclusive, only the succeeded ones', async () => {
    // Act
    const res = await usage({ from: '2026-12-01', to: '2026-12-02', groupBy: 'day' });
    // Assess
    expect(res.status).toBe(200);
    const body = usageResponse.parse(res.body);
    expect(body).toMatchObject({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T23:59:59.999Z',
      groupBy: 'day',
      currency: 'CNY',
    });
    // 108,900 × 46 + 87,300 × 37 + 173,700 × 28 (a reference video went in) per million; 4k has no price.
    expect(body.total).toEqual({
      videos: 4,
      completionTokens: 108_900 + 87_300 + 173_700 + 500_000,
      totalTokens: 108_900 + 87_300 + 173_700 + 500_000,
      estimatedCost: 5.0094 + 3.2301 + 4.8636,
      unpricedVideos: 1,
    });
    expect(body.groups.map((g) => [g.key, g.videos, g.completionTokens, g.estimatedCost])).toEqual([
      ['2026-12-01', 2, 196_200, 8.2395],
      ['2026-12-02', 2, 673_700, 4.8636],
    ]);
  });

  it('sums by model and by caller', async () => {
    // Act
    const byModel = await usage({ from: '2026-12-01', to: '2026-12-02', groupBy: 'model' });
    const byCaller = await usage({ from: '2026-12-01', to: '2026-12-02T23:59:59Z', groupBy: 'caller' });
    // Assess
    expect(usageResponse.parse(byModel.body).groups.map((g) => [g.key, g.videos, g.unpricedVideos])).toEqual([
      [STD, 3, 1],
      [FAST, 1, 0],
    ]);
    // The second range ends a millisecond before vid-c2, which was created at 23:59:59.999.
    expect(
      usageResponse.parse(byCaller.body).groups.map((g) => [g.key, g.videos, g.completionTokens]),
    ).toEqual([
      [ALICE, 1, 108_900],
      [BOB, 2, 87_300 + 173_700],
    ]);
  });

  it('covers the 30 days up to now without a range, and groups by day by default', async () => {
    // Act
    const res = await usage({});
    // Assess
    const body = usageResponse.parse(res.body);
    expect(body.groupBy).toBe('day');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
    expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    [{ from: '2026-02-30' }, 'ValidationError', 'from'],
    [{ to: 'yesterday' }, 'ValidationError', 'to'],
    [{ groupBy: 'week' }, 'ValidationError', 'groupBy'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'InvalidTimeRange', undefined],
    [{ from: '2026-01-01', to: '2026-12-01' }, 'InvalidTimeRange', undefined],
  ])('refuses %j with %s', async (query, code, field) => {
    // Act
    const res = await usage(query);
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
    const body = res.body as { error: { message: string; details?: unknown } };
    expect(body.error.message).not.toMatch(/at .*\.ts:\d+/);
    if (field) expect(JSON.stringify(body.error.details)).toContain(field);
  });

  it('takes its longest range from USAGE_MAX_RANGE_DAYS', async () => {
    // Prepare
    process.env.USAGE_MAX_RANGE_DAYS = '1';
    try {
      // Act
      const oneDay = await usage({ from: '2026-12-01', to: '2026-12-01' });
      const twoDays = await usage({ from: '2026-12-01', to: '2026-12-02' });
      // Assess
      expect(oneDay.status).toBe(200);
      expect(twoDays.status).toBe(400);
      expect((twoDays.body as { error: { details: { maxDays: number } } }).error.details.maxDays).toBe(1);
    } finally {
      delete process.env.USAGE_MAX_RANGE_DAYS;
    }
  });
});

describe('the usage reading of the state table', () => {
  it('reads a range larger than one 1 MB page completely, asking for the ledger attributes only', async () => {
    // Prepare: 150 records of ~8 KB each on one day no other test uses.
    const n = 150;
    for (let i = 0; i < n; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          seed({
            id: `vid-p${String(i + j).padStart(4, '0')}`,
            createdAt: `2026-10-01T00:${String(Math.floor((i + j) / 60)).padStart(2, '0')}:${String((i + j) % 60).padStart(2, '0')}.000Z`,
            model: FAST,
            tokens: 1_000 + i + j,
            caller: ALICE,
            padding: 8_000,
          }),
        ),
      );
    const sent: { ProjectionExpression?: string; Select?: string }[] = [];
    const counting = new DynamoRecordStore(table.table, () => {
      const real = dynamoClient();
      return new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'send'
            ? (cmd: { input: { ProjectionExpression?: string; Select?: string } }) => {
                sent.push(cmd.input);
                return target.send(cmd as never);
              }
            : Reflect.get(target, prop, receiver),
      });
    });
    const range = { from: '2026-10-01T00:00:00.000Z', to: '2026-10-01T23:59:59.999Z' };

    // Act
    const rows = [];
    let after;
    do {
      const page = await counting.usagePage(range, after);
      rows.push(...page.rows);
      after = page.next;
    } while (after);

    // Assess
    expect(sent.length).toBeGreaterThan(1);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.videoId)).size).toBe(n);
    expect(rows.reduce((s, r) => s + r.usage.completionTokens, 0)).toBe(n * 1_000 + (n * (n - 1)) / 2);
    expect(sent.every((i) => i.Select === 'SPECIFIC_ATTRIBUTES')).toBe(true);
    // What came back is the ledger only: no metadata, prompt or media.
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['caller', 'createdAt', 'usage', 'videoId']);
  });
});
