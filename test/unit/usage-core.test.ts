// The cost ledger's pure parts: the price table (default, parsing, lookup by row, ID and alias), the
// ledger line a succeeded video gets, the cost on a video's view, the range checks and the report's sums.
import { describe, expect, it } from 'vitest';
import type { CreateTaskInput } from '../../functions/core/ark/types';
import { ConfigError, loadConfig, pricingOf } from '../../functions/core/config';
import { ApiError } from '../../functions/core/errors';
import { videoEndChange, videoSucceededChange, type VideoRecord } from '../../functions/core/records';
import {
  costOf,
  defaultPriceTable,
  MAX_USAGE_PAGES,
  parsePriceTable,
  pricePerMillion,
  usageEntryOf,
  usageRange,
  usageReport,
  type UsageRow,
  type UsageSource,
} from '../../functions/core/usage';
import { videoListItem, videoView, type VideoJobInput, type VideoResult } from '../../functions/core/video';

const STD = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';
const prices = defaultPriceTable();

const request = (extra: CreateTaskInput['content'] = []): CreateTaskInput => ({
  model: STD,
  content: [{ type: 'text', text: 'a cat' }, ...extra],
  resolution: '720p',
});
const result = (over: Partial<VideoResult> = {}): VideoResult => ({
  videoId: 'vid-1',
  taskId: 'cgt-1',
  model: STD,
  video: { key: 'videos/vid-1/video.mp4', bytes: 1, contentType: 'video/mp4' },
  usage: { completionTokens: 108_900, totalTokens: 108_900 },
  resolution: '720p',
  ...over,
});

describe('price table', () => {
  it('prices the published models by their row, either spelling, at the video-input rate when one went in', () => {
    expect(pricePerMillion(prices, { model: STD, resolution: '720p', videoInput: false })).toBe(46);
    expect(pricePerMillion(prices, { model: STD, resolution: '720p', videoInput: true })).toBe(28);
    expect(pricePerMillion(prices, { model: STD, resolution: '1080p', videoInput: false })).toBe(51);
    expect(
      pricePerMillion(prices, {
        model: 'dreamina-seedance-2-0-fast-260128',
        resolution: '480p',
        videoInput: false,
      }),
    ).toBe(37);
  });

  it('has no price for what no source gave (2.0 at 4k, 2.5), or without a resolution', () => {
    expect(pricePerMillion(prices, { model: STD, resolution: '4k', videoInput: false })).toBeUndefined();
    expect(
      pricePerMillion(prices, { model: 'doubao-seedance-2-5-260628', resolution: '720p', videoInput: false }),
    ).toBeUndefined();
    expect(pricePerMillion(prices, { model: STD, videoInput: false })).toBeUndefined();
  });

  it('maps a deployment alias onto its row (SEEDANCE_MODELS), and an exact ID wins over its row', () => {
    // Prepare
    const config = loadConfig({
      SEEDANCE_MODELS: `${STD},house-fast=seedance-2.0-fast`,
      PRICE_TABLE: JSON.stringify({
        'seedance-2.0-fast': { '720p': 10 },
        [STD]: { '720p': 99 },
        'seedance-2.0': { '720p': 1 },
      }),
      PRICE_CURRENCY: 'USD',
    });
    // Act
    const { prices: table, rowOf } = pricingOf(config);
    // Assess
    expect(table.currency).toBe('USD');
    expect(pricePerMillion(table, { model: 'house-fast', resolution: '720p', videoInput: true }, rowOf)).toBe(
      10,
    );
    expect(pricePerMillion(table, { model: STD, resolution: '720p', videoInput: false }, rowOf)).toBe(99);
    // PRICE_TABLE replaces the default whole: no CNY figure survives under a USD table.
    expect(
      pricePerMillion(table, { model: STD, resolution: '480p', videoInput: false }, rowOf),
    ).toBeUndefined();
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[1]', /JSON object/],
    ['{"seedance-2.0": 5}', /map resolutions/],
    ['{"seedance-2.0": {"8k": 5}}', /resolution must be one of/],
    ['{"seedance-2.0": {"720p": -1}}', /a price is a number/],
    ['{"seedance-2.0": {"720p": {"base": 1}}}', /a price is a number/],
    ['{"bad id!": {"720p": 1}}', /not a model ID/],
  ])('refuses PRICE_TABLE %s', (raw, message) => {
    expect(() => parsePriceTable(raw)).toThrow(message);
    expect(() => loadConfig({ PRICE_TABLE: raw })).toThrow(ConfigError);
  });

  it('checks the currency code and the longest range', () => {
    expect(() => loadConfig({ PRICE_CURRENCY: 'yuan' })).toThrow(/PRICE_CURRENCY/);
    expect(() => loadConfig({ USAGE_MAX_RANGE_DAYS: '0' })).toThrow(/USAGE_MAX_RANGE_DAYS/);
    expect(loadConfig({}).prices.currency).toBe('CNY');
    expect(loadConfig({}).usageMaxRangeDays).toBe(92);
  });
});

describe('ledger line', () => {
  it('is written with the succeeded transition, from what upstream reported and what the request sent', () => {
    // Prepare
    const input = {
      videoId: 'vid-1',
      fingerprint: 'f',
      requestedAt: '2026-01-01T00:00:00.000Z',
      request: request(),
    };
    const withVideo: VideoJobInput = {
      ...input,
      request: request([
        { type: 'video_url', video_url: { url: 'asset://asset-1' }, role: 'reference_video' },
      ]),
    };
    // Act
    const plain = videoSucceededChange(input, result());
    const video = videoSucceededChange(withVideo, result({ resolution: '1080p' }));
    const noUsage = videoSucceededChange(input, result({ usage: undefined }));
    // Assess
    expect(plain.set.usage).toEqual({
      completionTokens: 108_900,
      totalTokens: 108_900,
      model: STD,
      resolution: '720p',
      videoInput: false,
    });
    expect(video.set.usage).toMatchObject({ resolution: '1080p', videoInput: true });
    expect(noUsage.set).not.toHaveProperty('usage');
  });

  it("is written by the execution's end too, whatever the steps managed", () => {
    // Act
    const change = videoEndChange({
      name: 'vid-1',
      status: 'SUCCEEDED',
      input: JSON.stringify({ videoId: 'vid-1', fingerprint: 'f', requestedAt: 'x', request: request() }),
      output: JSON.stringify(result()),
    });
    // Assess
    expect(change.set.usage).toMatchObject({ completionTokens: 108_900, videoInput: false });
  });

  it('costs tokens × price per million, rounded to 1/10,000', () => {
    // Act
    const entry = usageEntryOf(result(), request());
    // Assess
    expect(costOf(entry!, prices)).toEqual({ amount: 5.0094, currency: 'CNY', pricePerMillionTokens: 46 });
    expect(costOf({ ...entry!, resolution: '4k' }, prices)).toBeUndefined();
  });
});

describe('video view', () => {
  const base: VideoRecord = {
    kind: 'video',
    id: 'vid-1',
    status: 'succeeded',
    rank: 100,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:01:00.000Z',
    result: result(),
  };

  it('shows usage and the estimated cost on one video and in the list', () => {
    // Prepare
    const record: VideoRecord = { ...base, usage: usageEntryOf(result(), request())! };
    const pricing = { prices };
    // Act
    const view = videoView(record, undefined, pricing);
    const item = videoListItem(record, pricing);
    // Assess
    const cost = { amount: 5.0094, currency: 'CNY', pricePerMillionTokens: 46 };
    expect(view).toMatchObject({ usage: { completionTokens: 108_900, totalTokens: 108_900 }, cost });
    expect(item).toMatchObject({ usage: { completionTokens: 108_900, totalTokens: 108_900 }, cost });
  });

  it('prices a record made before the ledger from its result, a reference video from its media list', () => {
    // Prepare
    const old: VideoRecord = {
      ...base,
      media: [{ placeholder: 'Video 1', role: 'reference_video', assetId: 'asset-1' }],
    };
    // Act
    const view = videoView(old, undefined, { prices });
    // Assess
    expect(view.cost).toEqual({ amount: 3.0492, currency: 'CNY', pricePerMillionTokens: 28 });
  });

  it('shows no cost for an unpriced video, nor for one that did not succeed', () => {
    const unpriced: VideoRecord = { ...base, result: result({ model: 'doubao-seedance-2-5-260628' }) };
    expect(videoView(unpriced, undefined, { prices }).cost).toBeUndefined();
    expect(videoView({ ...base, status: 'failed' }, undefined, { prices }).cost).toBeUndefined();
  });
});

describe('usage range', () => {
  const now = new Date('2026-12-02T08:00:00.000Z');
  const day = (d: string) => ({ instant: `${d}T00:00:00.000Z`, dateOnly: true });
  const at = (i: string) => ({ instant: i, dateOnly: false });

  it('defaults to the 30 days before now, and reads a day as through its end', () => {
    expect(usageRange({}, now, 92)).toEqual({
      from: '2026-11-02T08:00:00.000Z',
      to: '2026-12-02T08:00:00.000Z',
    });
    expect(usageRange({ from: day('2026-12-01'), to: day('2026-12-01') }, now, 92)).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-01T23:59:59.999Z',
    });
    expect(usageRange({ to: at('2026-06-30T12:00:00.000Z') }, now, 92).from).toBe('2026-05-31T12:00:00.000Z');
  });

  it('refuses a start after the end, and a range longer than the limit, with InvalidTimeRange', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ApiError ? [e.code, e.status, e.details] : e;
      }
      return undefined;
    };
    expect(codeOf(() => usageRange({ from: day('2026-12-02'), to: day('2026-12-01') }, now, 92))).toEqual([
      'InvalidTimeRange',
      400,
      expect.objectContaining({ from: '2026-12-02T00:00:00.000Z' }),
    ]);
    expect(codeOf(() => usageRange({ from: day('2026-01-01'), to: day('2026-12-01') }, now, 92))).toEqual([
      'InvalidTimeRange',
      400,
      expect.objectContaining({ maxDays: 92 }),
    ]);
    expect(
      codeOf(() => usageRange({ from: day('2026-09-01'), to: day('2026-12-01') }, now, 92)),
    ).toBeUndefined();
  });
});

describe('usage report', () => {
  const row = (
    videoId: string,
    createdAt: string,
    model: string,
    tokens: number,
    caller?: string,
    resolution = '720p',
  ): UsageRow => ({
    videoId,
    createdAt,
    ...(caller ? { caller } : {}),
    usage: { completionTokens: tokens, totalTokens: tokens + 1, model, resolution, videoInput: false },
  });
  /** Pages of two rows, resuming from the position it handed out, as the table does. */
  const pagedSource = (rows: UsageRow[]): UsageSource & { calls: number } => {
    const source = {
      calls: 0,
      async usagePage(_range: { from: string; to: string }, after?: Record<string, string>) {
        source.calls += 1;
        const start = after ? Number(after.i) : 0;
        const next = start + 2 < rows.length ? { i: String(start + 2) } : undefined;
        return { rows: rows.slice(start, start + 2), ...(next ? { next } : {}) };
      },
    };
    return source;
  };
  const rows = [
    row('v1', '2026-12-01T01:00:00.000Z', STD, 1_000_000, 'arn:aws:iam::1:user/a'),
    row('v2', '2026-12-01T02:00:00.000Z', FAST, 500_000, 'arn:aws:iam::1:user/b'),
    row('v3', '2026-12-02T03:00:00.000Z', STD, 2_000_000, 'arn:aws:iam::1:user/a'),
    row('v4', '2026-12-02T04:00:00.000Z', 'doubao-seedance-2-5-260628', 300_000),
    row('v5', '2026-12-03T05:00:00.000Z', STD, 100_000, 'arn:aws:iam::1:user/b', '1080p'),
  ];
  const range = { from: '2026-12-01T00:00:00.000Z', to: '2026-12-03T23:59:59.999Z' };

  it('sums every page by day, with the total and the unpriced videos apart', async () => {
    // Prepare
    const source = pagedSource(rows);
    // Act
    const r = await usageReport(source, { range, groupBy: 'day', prices });
    // Assess
    expect(source.calls).toBe(3);
    expect(r.total).toEqual({
      videos: 5,
      completionTokens: 3_900_000,
      totalTokens: 3_900_005,
      estimatedCost: 46 + 18.5 + 92 + 5.1,
      unpricedVideos: 1,
    });
    expect(r.groups.map((g) => [g.key, g.videos, g.estimatedCost, g.unpricedVideos])).toEqual([
      ['2026-12-01', 2, 64.5, 0],
      ['2026-12-02', 2, 92, 1],
      ['2026-12-03', 1, 5.1, 0],
    ]);
    expect(r).toMatchObject({ ...range, groupBy: 'day', currency: 'CNY' });
  });

  it('sums by model and by caller (videos without one under "unknown")', async () => {
    // Act
    const byModel = await usageReport(pagedSource(rows), { range, groupBy: 'model', prices });
    const byCaller = await usageReport(pagedSource(rows), { range, groupBy: 'caller', prices });
    // Assess
    expect(byModel.groups.map((g) => [g.key, g.completionTokens])).toEqual(
      [
        [STD, 3_100_000],
        [FAST, 500_000],
        ['doubao-seedance-2-5-260628', 300_000],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    expect(byCaller.groups.map((g) => [g.key, g.videos, g.estimatedCost])).toEqual([
      ['arn:aws:iam::1:user/a', 2, 138],
      ['arn:aws:iam::1:user/b', 2, 23.6],
      ['unknown', 1, 0],
    ]);
  });

  it('stops with InvalidTimeRange rather than read without bound', async () => {
    // Prepare
    const endless: UsageSource = { usagePage: async () => ({ rows: [], next: { i: '0' } }) };
    // Act
    const out = usageReport(endless, { range, groupBy: 'day', prices });
    // Assess
    await expect(out).rejects.toMatchObject({ code: 'InvalidTimeRange' });
    expect(MAX_USAGE_PAGES).toBeGreaterThan(10);
  });
});
