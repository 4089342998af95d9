/**
 * GET /videos: one page of the video records, newest first, filtered in the query (status, group,
 * creation time) and paged exactly with an opaque cursor (functions/core/records/list.ts).
 */
import { listVideosQuery, type ListVideosQuery } from '../core/api-schemas/videos';
import { listVideoRecords } from '../core/records';
import { videoListItem } from '../core/video';
import { apiHandler } from '../shared/api';
import { recordsFor } from '../shared/record-transition';

export const handler = apiHandler<undefined, ListVideosQuery>(
  { name: 'listVideos', query: listVideosQuery },
  async (req) => {
    const { pageSize, nextToken, ...filter } = req.query;
    const page = await listVideoRecords(recordsFor(), filter, pageSize, nextToken);
    return {
      status: 200,
      body: {
        items: page.items.map(videoListItem),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },
);
