/**
 * GET /usage: the query (a range and a grouping) and the answer. `from` and `to` take a UTC day
 * (`2026-12-01`, `to` meaning through its end) or an ISO-8601 instant; how they relate (order, the
 * longest range) is checked by the use case (functions/core/usage/report.ts) with InvalidTimeRange.
 */
import * as z from 'zod';
import { USAGE_GROUPINGS } from '../usage/report';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.iso.datetime({ offset: true });

/** A real calendar day (2026-02-30 is not one, though Date would roll it over). */
const isDay = (v: string) => {
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
};

const rangeBound = z
  .string()
  .max(40)
  .refine((v) => (DAY.test(v) ? isDay(v) : instant.safeParse(v).success), {
    message: 'must be a UTC day (2026-12-01) or an ISO-8601 date-time (2026-12-01T08:00:00Z)',
  })
  .transform((v) => {
    const dateOnly = DAY.test(v);
    return { instant: new Date(dateOnly ? `${v}T00:00:00Z` : v).toISOString(), dateOnly };
  });

export const usageQuery = z.object({
  from: rangeBound.optional(),
  to: rangeBound.optional(),
  groupBy: z
    .enum(USAGE_GROUPINGS, { message: `must be one of ${USAGE_GROUPINGS.join(', ')}` })
    .default('day'),
});
export type UsageQuery = z.infer<typeof usageQuery>;

const totals = {
  videos: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  estimatedCost: z.number(),
  unpricedVideos: z.number().int(),
};

export const usageResponse = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(USAGE_GROUPINGS),
  currency: z.string(),
  total: z.object(totals),
  groups: z.array(z.object({ key: z.string(), ...totals })),
});
