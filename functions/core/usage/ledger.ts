/**
 * A video's line in the cost ledger: upstream's token counts of the finished task with what its price
 * depends on (model, resolution, whether a reference video went in), kept on the video record so the
 * usage report reads one small attribute per video. The cost itself is not stored: it is the recorded
 * tokens × the price table in force when it is read (an estimate; see ./prices.ts).
 */
import type { CreateTaskInput } from '../ark/types';
import type { VideoResult } from '../video/job';
import { pricePerMillion, roundAmount, type PriceTable } from './prices';

export interface UsageEntry {
  /** What upstream bills (its `usage.completion_tokens`). */
  completionTokens: number;
  totalTokens: number;
  model: string;
  resolution?: string;
  /** The request carried a reference video: upstream's cheaper per-token rate. */
  videoInput: boolean;
}

export interface VideoCost {
  amount: number;
  currency: string;
  pricePerMillionTokens: number;
}

/** The ledger line of a succeeded video, when upstream reported usage. */
export function usageEntryOf(
  result: Pick<VideoResult, 'usage' | 'model' | 'resolution'>,
  request: Pick<CreateTaskInput, 'content' | 'resolution'> | undefined,
): UsageEntry | undefined {
  if (!result.usage) return undefined;
  const resolution = result.resolution ?? request?.resolution;
  return {
    completionTokens: result.usage.completionTokens,
    totalTokens: result.usage.totalTokens,
    model: result.model,
    ...(resolution ? { resolution } : {}),
    videoInput: request?.content.some((c) => c.type === 'video_url') ?? false,
  };
}

/** The estimate for one video; undefined when the table has no price for its model and resolution. */
export function costOf(
  entry: UsageEntry,
  table: PriceTable,
  rowOf?: (model: string) => string | undefined,
): VideoCost | undefined {
  const price = pricePerMillion(table, entry, rowOf);
  if (price === undefined) return undefined;
  return {
    amount: roundAmount((entry.completionTokens * price) / 1_000_000),
    currency: table.currency,
    pricePerMillionTokens: price,
  };
}
