/**
 * GET /videos/{videoId}: the video as its execution describes it — status (see
 * functions/core/video/status.ts), presigned links to the saved files once it succeeded, usage, the
 * upstream error when it failed, and times.
 */
import { loadConfig, required } from '../core/config';
import { notFound } from '../core/errors';
import { videoPathSchema } from '../core/api-schemas/videos';
import { executionArn, parseResult, videoView } from '../core/video';
import { apiHandler } from '../shared/api';
import { describeExecution, executionFacts, runningHistory } from '../shared/video-aws';
import { presignVideoLinks } from '../shared/video-links';

export const handler = apiHandler({ name: 'getVideo', path: videoPathSchema }, async (req) => {
  const config = loadConfig();
  const videoId = req.path.videoId ?? '';
  const arn = executionArn(required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN'), videoId);
  const d = await describeExecution(arn);
  if (!d) throw notFound('Video', videoId);
  const history = d.status === 'RUNNING' ? await runningHistory(arn) : undefined;
  const result = d.status === 'SUCCEEDED' ? parseResult(d.output) : undefined;
  const links = result
    ? await presignVideoLinks(config, required(config.bucketName, 'BUCKET_NAME'), result)
    : undefined;
  return { status: 200, body: videoView(executionFacts(videoId, d, history), links) };
});
