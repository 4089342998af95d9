/**
 * GET /usage as a use case: the ledger lines of the videos created in a time range, summed by day,
 * model or caller. The lines come from the state table's creation-time index, a page at a time, with
 * only the ledger attributes read; no per-request scan. Ranges are bounded (USAGE_MAX_RANGE_DAYS) so
 * one request's reading stays small; days are UTC days of the video's creation (when it was asked for,
 * which is also what the index sorts by).
 */
import { ApiError } from '../errors';
import type { Position } from '../records/types';
import type { UsageEntry } from './ledger';
import { pricePerMillion, roundAmount, type PriceTable } from './prices';

export const USAGE_GROUPINGS = ['day', 'model', 'caller'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

/** The range GET /usage covers when the caller names no start. */
export const DEFAULT_USAGE_DAYS = 30;
/** The key of videos recorded without a caller (made before callers were recorded). */
export const UNKNOWN_CALLER = 'unknown';

export interface UsageRow {
  videoId: string;
  createdAt: string;
  /** The IAM principal (ARN) that asked for the video. */
  caller?: string;
  usage: UsageEntry;
}

/** The port to the state table: ledger lines of videos created in [from, to] (ISO instants), oldest first. */
export interface UsageSource {
  usagePage(
    range: { from: string; to: string },
    after?: Position,
  ): Promise<{ rows: UsageRow[]; next?: Position }>;
}

export interface UsageTotals {
  videos: number;
  completionTokens: number;
  totalTokens: number;
  /** Sum of the priced videos' estimates, in `currency`. */
  estimatedCost: number;
  /** Videos whose model and resolution the price table has no price for (tokens counted, no cost). */
  unpricedVideos: number;
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGrouping;
  currency: string;
  total: UsageTotals;
  groups: (UsageTotals & { key: string })[];
}

/** A bound as the query gave it: an instant, or a whole UTC day (YYYY-MM-DD). */
export interface RangeBound {
  instant: string;
  dateOnly: boolean;
}

const DAY_MS = 86_400_000;

/**
 * The range asked for, checked: `to` as a day means through its end; no `to` = now; no `from` = 30 days
 * before `to`. A start after the end, or a range longer than `maxDays`, is InvalidTimeRange.
 */
export function usageRange(
  q: { from?: RangeBound; to?: RangeBound },
  now: Date,
  maxDays: number,
): { from: string; to: string } {
  const to = q.to ? new Date(Date.parse(q.to.instant) + (q.to.dateOnly ? DAY_MS - 1 : 0)) : now;
  const from = q.from ? new Date(q.from.instant) : new Date(to.getTime() - DEFAULT_USAGE_DAYS * DAY_MS);
  if (from.getTime() > to.getTime())
    throw new ApiError('InvalidTimeRange', `from (${from.toISOString()}) is after to (${to.toISOString()})`, {
      from: from.toISOString(),
      to: to.toISOString(),
    });
  if (to.getTime() - from.getTime() > maxDays * DAY_MS)
    throw new ApiError(
      'InvalidTimeRange',
      `the range may span at most ${maxDays} days; ask for it in parts`,
      {
        from: from.toISOString(),
        to: to.toISOString(),
        maxDays,
      },
    );
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Bounds one request's reading (each page is up to 1 MB of records); a denser range must be split. */
export const MAX_USAGE_PAGES = 100;

const emptyTotals = (): UsageTotals => ({
  videos: 0,
  completionTokens: 0,
  totalTokens: 0,
  estimatedCost: 0,
  unpricedVideos: 0,
});

function keyOf(row: UsageRow, groupBy: UsageGrouping): string {
  if (groupBy === 'day') return row.createdAt.slice(0, 10);
  if (groupBy === 'model') return row.usage.model;
  return row.caller ?? UNKNOWN_CALLER;
}

function add(t: UsageTotals, row: UsageRow, table: PriceTable, rowOf?: (m: string) => string | undefined) {
  t.videos += 1;
  t.completionTokens += row.usage.completionTokens;
  t.totalTokens += row.usage.totalTokens;
  // Summed unrounded, rounded once per total: a group is not the sum of its videos' rounded amounts.
  const price = pricePerMillion(table, row.usage, rowOf);
  if (price === undefined) t.unpricedVideos += 1;
  else t.estimatedCost += (row.usage.completionTokens * price) / 1_000_000;
}

const rounded = (t: UsageTotals): UsageTotals => ({ ...t, estimatedCost: roundAmount(t.estimatedCost) });

export async function usageReport(
  source: UsageSource,
  args: {
    range: { from: string; to: string };
    groupBy: UsageGrouping;
    prices: PriceTable;
    rowOf?: (model: string) => string | undefined;
  },
): Promise<UsageReport> {
  const total = emptyTotals();
  const groups = new Map<string, UsageTotals>();
  let after: Position | undefined;
  for (let page = 0; ; page++) {
    if (page === MAX_USAGE_PAGES)
      throw new ApiError(
        'InvalidTimeRange',
        'the range holds too many videos for one request; ask for it in parts',
        {
          ...args.range,
        },
      );
    const { rows, next } = await source.usagePage(args.range, after);
    for (const row of rows) {
      add(total, row, args.prices, args.rowOf);
      const key = keyOf(row, args.groupBy);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = emptyTotals()));
      add(g, row, args.prices, args.rowOf);
    }
    if (!next) break;
    after = next;
  }
  return {
    ...args.range,
    groupBy: args.groupBy,
    currency: args.prices.currency,
    total: rounded(total),
    groups: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, t]) => ({ key, ...rounded(t) })),
  };
}
