/**
 * GET /usage: the query (a range and a grouping) and the answer. `from` and `to` take a UTC day
 * (`2026-12-01`, `to` meaning through its end) or an ISO-8601 instant; how they relate (order, the
 * longest range) is checked by the use case (functions/core/usage/report.ts) with InvalidTimeRange.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { USAGE_GROUPINGS } from '../usage/report';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.iso.datetime({ offset: true });

/** A real calendar day (2026-02-30 is not one, though Date would roll it over). */
const isDay = (v: string) => {
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
};

const rangeBound = z.pipe(
  z.string().check(
    z.maxLength(40),
    z.refine((v) => (DAY.test(v) ? isDay(v) : instant.safeParse(v).success), {
      message: 'must be a UTC day (2026-12-01) or an ISO-8601 date-time (2026-12-01T08:00:00Z)',
    }),
  ),
  z.transform((v: string) => {
    const dateOnly = DAY.test(v);
    return { instant: new Date(dateOnly ? `${v}T00:00:00Z` : v).toISOString(), dateOnly };
  }),
);

export const usageQuery = z.object({
  from: z
    .optional(rangeBound)
    .check(
      z.describe(
        'Start of the range (creation time), inclusive: a UTC day or an instant; default 30 days before to',
      ),
    ),
  to: z
    .optional(rangeBound)
    .check(z.describe('End of the range, inclusive (a day means through its end); default now')),
  groupBy: z
    ._default(z.enum(USAGE_GROUPINGS, { message: `must be one of ${USAGE_GROUPINGS.join(', ')}` }), 'day')
    .check(
      z.describe('day (UTC day of creation), model, or caller (the IAM user or role that created the video)'),
    ),
});
export type UsageQuery = z.infer<typeof usageQuery>;

const totals = {
  videos: z.number().check(z.int(), z.describe('Succeeded videos (only those are billed)')),
  completionTokens: z
    .number()
    .check(z.int(), z.describe("Upstream's usage.completion_tokens: what it bills")),
  totalTokens: z.number().check(z.int()),
  estimatedCost: z.number().check(z.describe('Recorded tokens × the price table, in currency')),
  unpricedVideos: z
    .number()
    .check(
      z.int(),
      z.describe(
        'Videos whose model and resolution the price table has no price for (tokens counted, no cost)',
      ),
    ),
};

export const usageResponse = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(USAGE_GROUPINGS),
  currency: z.string().check(z.describe('ISO 4217 code of the price table (PRICE_CURRENCY)')),
  total: z.object(totals),
  groups: z.array(z.object({ key: z.string(), ...totals })),
});
