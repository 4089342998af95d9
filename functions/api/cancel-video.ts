/**
 * DELETE /videos/{videoId}: stops the execution, then cancels the upstream task if it is still queued
 * (nothing billed). A running task cannot be cancelled upstream: the answer says so, since it may still
 * be billed. Upstream trouble after the stop does not fail the request — the video is cancelled for us
 * either way — it is reported in `upstream`.
 */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { videoPathSchema } from '../core/api-schemas/videos';
import { loadConfig, required } from '../core/config';
import { conflict, isUpstreamError, notFound } from '../core/errors';
import { VIDEO_ERRORS, executionArn, videoStatus } from '../core/video';
import { apiHandler } from '../shared/api';
import { videoClient } from '../shared/clients';
import { logger } from '../shared/logger';
import { awsApiError, describeExecution, runningHistory, sfnClient } from '../shared/video-aws';

interface UpstreamOutcome {
  cancelled: boolean;
  taskId?: string;
  taskStatus?: string;
  message: string;
}

async function cancelUpstream(taskId: string | undefined): Promise<UpstreamOutcome> {
  if (!taskId)
    return {
      cancelled: false,
      message: 'No upstream task had been created yet (one being created at this moment may still run)',
    };
  const video = videoClient(loadConfig());
  try {
    const task = await video.getTask(taskId);
    if (task.status !== 'queued')
      return {
        cancelled: false,
        taskId,
        taskStatus: task.rawStatus,
        message: `The upstream task is ${task.rawStatus}; only queued tasks can be cancelled, so it may still be billed`,
      };
    await video.cancelTask(taskId);
    return {
      cancelled: true,
      taskId,
      taskStatus: 'cancelled',
      message: 'The queued upstream task was cancelled',
    };
  } catch (e) {
    if (!isUpstreamError(e)) throw e;
    logger.warn('upstream cancel failed', { error: e });
    return {
      cancelled: false,
      taskId,
      message: `The upstream task could not be cancelled (${e.code}); it may still run and be billed`,
    };
  }
}

export const handler = apiHandler({ name: 'cancelVideo', path: videoPathSchema }, async (req) => {
  const config = loadConfig();
  const videoId = req.path.videoId ?? '';
  const arn = executionArn(required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN'), videoId);
  const d = await describeExecution(arn);
  if (!d) throw notFound('Video', videoId);
  if (d.status !== 'RUNNING') {
    const status = videoStatus(d.status ?? 'RUNNING', d.error);
    throw conflict('VideoNotRunning', `Video ${videoId} is already ${status}`, { status });
  }
  const history = await runningHistory(arn);
  try {
    await sfnClient().send(
      new StopExecutionCommand({
        executionArn: arn,
        error: VIDEO_ERRORS.cancelled,
        cause: JSON.stringify({
          code: 'CancelledByCaller',
          message: 'Cancelled with DELETE /videos/{videoId}',
        }),
      }),
    );
  } catch (e) {
    throw awsApiError(e);
  }
  const upstream = await cancelUpstream(history.job?.taskId);
  logger.info('video cancelled', { videoId, upstreamCancelled: upstream.cancelled });
  return { status: 202, body: { videoId, status: 'cancelled', upstream } };
});
