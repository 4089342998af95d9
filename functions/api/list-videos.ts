/**
 * GET /videos: one page of the video records, newest first, filtered in the query (status, group,
 * creation time) and paged exactly with an opaque cursor (functions/core/records/list.ts).
 */
import { videoRoutes } from '../../lib/route-rows/videos';
import { loadConfig, pricingOf } from '../core/config';
import { listVideoRecords } from '../core/records';
import { videoListItem } from '../core/video';
import { apiHandler } from '../shared/api';
import { recordReaderFor } from '../shared/record-reads';

export const handler = apiHandler(videoRoutes.listVideos, async (req) => {
  const { pageSize, nextToken, ...filter } = req.query;
  const config = loadConfig();
  const page = await listVideoRecords(recordReaderFor(config), filter, pageSize, nextToken);
  const pricing = pricingOf(config);
  return {
    body: {
      items: page.items.map((r) => videoListItem(r, pricing)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    },
  };
});
