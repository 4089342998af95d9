/**
 * DELETE /videos/{videoId}: parse → cancelVideo (functions/core/video/cancel.ts) → 202. The record says
 * whether the video still runs and which task it has; Step Functions is only told to stop.
 */
import { videoRoutes } from '../../lib/route-rows/videos';
import { loadConfig } from '../core/config';
import { cancelVideo } from '../core/video';
import { apiHandler } from '../shared/api';
import { videoClient } from '../shared/clients';
import { ttlSecondsOf } from '../shared/dynamodb';
import { logger } from '../shared/logger';
import { recordsFor } from '../shared/record-transition';
import { stopVideoExecution } from '../shared/sfn';

export const handler = apiHandler(videoRoutes.cancelVideo, async (req) => {
  const config = loadConfig();
  const videoId = req.path.videoId;
  const answer = await cancelVideo(
    {
      records: recordsFor(config),
      stop: (id, error, cause) => stopVideoExecution(config, id, error, cause),
      tasks: videoClient(config),
      ttlSeconds: ttlSecondsOf(config),
    },
    videoId,
  );
  const { errorCode, ...upstream } = answer.upstream;
  if (errorCode) logger.warn('upstream cancel incomplete', { videoId, outcome: upstream.outcome, errorCode });
  logger.info('video cancelled', { videoId, upstreamOutcome: upstream.outcome, taskId: upstream.taskId });
  return { body: { ...answer, upstream } };
});
