/**
 * GET /videos/{videoId}: the video's record (status, usage and its estimated cost, the upstream error
 * when it failed, times) with presigned links to the saved files once it succeeded. One table read; no
 * Step Functions call.
 */
import { videoRoutes } from '../../lib/route-rows/videos';
import { loadConfig, pricingOf, required } from '../core/config';
import { savedFiles, videoRecord, videoView } from '../core/video';
import { apiHandler } from '../shared/api';
import { recordReaderFor } from '../shared/record-reads';
import { presignVideoLinks } from '../shared/video-links';

export const handler = apiHandler(videoRoutes.getVideo, async (req) => {
  const config = loadConfig();
  const record = await videoRecord(recordReaderFor(config), req.path.videoId);
  const files = savedFiles(record);
  const links = files
    ? await presignVideoLinks(config, required(config.bucketName, 'BUCKET_NAME'), files)
    : undefined;
  return { body: videoView(record, links, pricingOf(config)) };
});
