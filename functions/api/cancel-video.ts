/**
 * DELETE /videos/{videoId}: stops the execution, then cancels the upstream task if it is still queued
 * (nothing billed). The history is read after the stop, so it is final; when it holds no task ID, a
 * CreateTask in flight may still create one, which functions/core/video/cancel-task.ts looks for. A
 * running task cannot be cancelled upstream: the answer says so, since it may still be billed. Upstream
 * trouble after the stop does not fail the request — the video is cancelled for us either way — it is
 * reported in `upstream`.
 */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { videoPathSchema } from '../core/api-schemas/videos';
import { loadConfig, required } from '../core/config';
import { conflict, notFound } from '../core/errors';
import {
  VIDEO_ERRORS,
  cancelUpstreamTask,
  creationMayBeInFlight,
  executionArn,
  videoStatus,
  type VideoJobInput,
} from '../core/video';
import { apiHandler } from '../shared/api';
import { videoClient } from '../shared/clients';
import { logger } from '../shared/logger';
import { awsApiError, describeExecution, runningHistory, sfnClient } from '../shared/video-aws';

function jobInput(json: string | undefined): Partial<VideoJobInput> {
  try {
    const v = JSON.parse(json ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Partial<VideoJobInput>) : {};
  } catch {
    return {};
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
  const history = await runningHistory(arn);
  const input = jobInput(d.input);
  const upstream = await cancelUpstreamTask(videoClient(config), {
    ...(history.job?.taskId ? { taskId: history.job.taskId } : {}),
    ...(input.request ? { request: input.request } : {}),
    since: new Date(input.requestedAt ?? d.startDate ?? Number.NaN),
    creationInFlight: creationMayBeInFlight(history.lastState, history.job),
    seedIsOurs: !input.seedChosenByCaller,
  });
  const { errorCode, ...answer } = upstream;
  if (errorCode) logger.warn('upstream cancel incomplete', { videoId, outcome: upstream.outcome, errorCode });
  logger.info('video cancelled', { videoId, upstreamOutcome: upstream.outcome, taskId: upstream.taskId });
  return { status: 202, body: { videoId, status: 'cancelled', upstream: answer } };
});
