/**
 * The price table: what one million tokens of a model at a resolution cost, in one currency. Upstream
 * bills a finished video by its `usage.completion_tokens` (failed and moderated videos are not billed),
 * at a lower rate when the request carried a reference video. We never see an invoice, so every cost
 * this stack shows is an estimate: recorded tokens × this table.
 *
 * The default table is Volcengine's list price for the Ark models in CNY as integrators quote it
 * [seen, 2026]: 2.0 at 46 (with video input 28) per million tokens for 480p/720p and 51 (31) for 1080p;
 * 2.0 fast 37 (22); 2.0 mini 23 (14). APIYI says its unit prices follow that list (its own billing runs
 * about 10 % higher before top-up bonuses). No price was found for 2.0 at 4k or for 2.5: those cells are
 * left out, so such videos count their tokens but show no cost, rather than a made-up one. A deployment
 * sets its own table with PRICE_TABLE (JSON, replaces the default whole, so currencies never mix) and
 * PRICE_CURRENCY; BytePlus (`dreamina-…`) bills in USD at other prices.
 *
 * Keys are rows of the model table (`seedance-2.0`, …, functions/core/video/models.ts) or exact model
 * IDs (an ID wins over its row), so gateway aliases and `dreamina-` twins are priced by their row.
 */
import { knownRowOf, RESOLUTIONS, type Resolution } from '../video/models';

/** Currency units per million tokens: one figure, or a lower one when the request had a reference video. */
export type PriceCell = number | { base: number; videoInput: number };
export type PriceRow = Partial<Record<Resolution, PriceCell>>;

export interface PriceTable {
  currency: string;
  prices: Readonly<Record<string, PriceRow>>;
}

/** What a cost estimate needs: the price table, and how the deployment's model IDs map onto rows. */
export interface Pricing {
  prices: PriceTable;
  rowOf?: (model: string) => string | undefined;
}

export const DEFAULT_CURRENCY = 'CNY';

const STANDARD = { base: 46, videoInput: 28 };
export const DEFAULT_PRICES: Readonly<Record<string, PriceRow>> = {
  'seedance-2.0': { '480p': STANDARD, '720p': STANDARD, '1080p': { base: 51, videoInput: 31 } },
  'seedance-2.0-fast': { '480p': { base: 37, videoInput: 22 }, '720p': { base: 37, videoInput: 22 } },
  'seedance-2.0-mini': { '480p': { base: 23, videoInput: 14 }, '720p': { base: 23, videoInput: 14 } },
};

export const defaultPriceTable = (currency = DEFAULT_CURRENCY): PriceTable => ({
  currency,
  prices: DEFAULT_PRICES,
});

const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Parses PRICE_TABLE; throws an Error naming the first bad entry (config.ts wraps it). */
export function parsePriceTable(raw: string): Record<string, PriceRow> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new Error('must be a JSON object of model → resolution → price');
  const out: Record<string, PriceRow> = {};
  for (const [model, row] of Object.entries(json as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(model)) throw new Error(`"${model}" is not a model ID or row`);
    if (!row || typeof row !== 'object' || Array.isArray(row))
      throw new Error(`${model} must map resolutions to prices`);
    const cells: PriceRow = {};
    for (const [res, cell] of Object.entries(row as Record<string, unknown>)) {
      if (!(RESOLUTIONS as readonly string[]).includes(res))
        throw new Error(`${model}.${res}: the resolution must be one of ${RESOLUTIONS.join(', ')}`);
      const c = cell as { base?: unknown; videoInput?: unknown } | null;
      if (isPrice(cell)) cells[res as Resolution] = cell;
      else if (c && typeof c === 'object' && isPrice(c.base) && isPrice(c.videoInput))
        cells[res as Resolution] = { base: c.base, videoInput: c.videoInput };
      else
        throw new Error(
          `${model}.${res}: a price is a number ≥ 0 or {"base": n, "videoInput": n} (per million tokens)`,
        );
    }
    out[model] = cells;
  }
  return out;
}

export interface PricedTokens {
  model: string;
  resolution?: string;
  /** The request carried a reference video (upstream's cheaper rate). */
  videoInput: boolean;
  tokens: number;
}

/**
 * Price per million tokens for a video, or undefined when the table has none. `rowOf` maps a
 * deployment's own model IDs (SEEDANCE_MODELS aliases) onto rows; published IDs map by themselves.
 */
export function pricePerMillion(
  table: PriceTable,
  v: Omit<PricedTokens, 'tokens'>,
  rowOf: (model: string) => string | undefined = knownRowOf,
): number | undefined {
  if (!v.resolution) return undefined;
  const row = table.prices[v.model] ?? table.prices[rowOf(v.model) ?? knownRowOf(v.model) ?? ''];
  const cell = row?.[v.resolution as Resolution];
  if (cell === undefined) return undefined;
  return typeof cell === 'number' ? cell : v.videoInput ? cell.videoInput : cell.base;
}

/** Currency amounts are shown to 1/10,000 of a unit: finer than any invoice, coarse enough to read. */
export const roundAmount = (n: number): number => Math.round(n * 10_000) / 10_000;
