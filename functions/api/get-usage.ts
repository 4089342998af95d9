/**
 * GET /usage: tokens and estimated cost of the videos created in a range, by day, model or caller,
 * summed from the ledger lines on the video records (functions/core/usage/report.ts). Reads the
 * creation-time index only, a page at a time, and only the ledger attributes.
 */
import { usageRoutes } from '../../lib/route-rows/usage';
import { loadConfig, pricingOf, required } from '../core/config';
import { usageRange, usageReport } from '../core/usage';
import { apiHandler } from '../shared/api';
import { DynamoRecordStore } from '../shared/dynamodb';

export const handler = apiHandler(usageRoutes.getUsage, async (req) => {
  const config = loadConfig();
  const range = usageRange(req.query, new Date(), config.usageMaxRangeDays);
  const source = new DynamoRecordStore(required(config.tableName, 'TABLE_NAME'));
  const report = await usageReport(source, { range, groupBy: req.query.groupBy, ...pricingOf(config) });
  return { body: report };
});
