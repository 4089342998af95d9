/**
 * SaveVideo: copies the finished video (and the last frame when it was asked for) from upstream's 24 h
 * links into `videos/{videoId}/`. The links are fetched fresh from GetTask here rather than carried in
 * the execution state, so they never appear in execution history, DescribeExecution or logs — or,
 * once, from the task the upstream callback route re-fetched a moment ago and left in the state table
 * (functions/core/callbacks/waits.ts), so a callback costs no second GET. A GET takes the account's
 * Get-task budget first. The task ended, so its running slot is released here. Returns the execution's
 * output (VideoResult).
 */
import { usableFetchedTask } from '../../core/callbacks';
import type { VideoTask } from '../../core/ark';
import { required, type Config } from '../../core/config';
import { StepError } from '../../core/step-errors';
import { VIDEO_ERRORS, videoKeys, type VideoJobState, type VideoResult } from '../../core/video';
import { videoChange, videoSucceededChange } from '../../core/records';
import { logger } from '../../shared/logger';
import { recordTransition } from '../../shared/record-transition';
import { s3Client } from '../../shared/s3';
import { callbackStoreFor } from '../../shared/dynamodb';
import { pollingJob } from '../../core/video';
import { runStep, stepRuntime } from '../../shared/video-step';
import { streamToS3 } from '../../shared/save-stream';
import { releaseSlot } from '../../core/governor';
import { getTaskWithin, hasNoBudget, taskBudgets } from '../../shared/task-budget';

/** The callback route's fetched task, taken once (a retry of this step GETs fresh links). */
async function keptTask(config: Config, videoId: string, taskId: string): Promise<VideoTask | undefined> {
  if (!config.tableName) return undefined;
  try {
    const fetched = await callbackStoreFor(config.tableName).takeTask(videoId);
    return usableFetchedTask(fetched, taskId, new Date(), config.timeScale);
  } catch (e) {
    logger.warn('kept task unavailable; fetching it', { errorName: e instanceof Error ? e.name : 'unknown' });
    return undefined;
  }
}

export const handler = (input: VideoJobState): Promise<VideoResult> =>
  runStep('SaveVideo', input.videoId, async () => {
    const runtime = stepRuntime();
    const { config, video } = runtime;
    const job = pollingJob(input);
    const bucket = required(config.bucketName, 'BUCKET_NAME');
    const s3 = s3Client(config);
    await recordTransition(videoChange(input, 'saving', { taskId: job.taskId }), config);
    const budgets = taskBudgets(config);
    // The task ended: its running slot is the next video's (whoever saw the end, poll or callback).
    if (job.slot)
      await releaseSlot(budgets.store, budgets.slots(job.slot.pool), job.slot.ticket).catch(() => undefined);
    let task = await keptTask(config, input.videoId, job.taskId);
    if (!task) {
      const read = await getTaskWithin(budgets, video, job.taskId, 5 * budgets.get.windowMs);
      if (hasNoBudget(read))
        throw new StepError('Upstream.Throttled', 'GetTaskBudget', 'no Get-task budget for the save yet', {
          taskId: job.taskId,
        });
      task = read;
    }
    if (task.status !== 'succeeded' || !task.videoUrl)
      throw new StepError(
        VIDEO_ERRORS.saveFailed,
        'NoVideo',
        `The upstream task is ${task.rawStatus} and has no video link`,
        { taskId: job.taskId },
      );
    const keys = videoKeys(input.videoId);
    const common = { s3, bucket, taskId: job.taskId, timeoutMs: Math.max(config.upstreamTimeoutMs, 30_000) };
    const wantLastFrame = input.request.return_last_frame === true;
    const [saved, lastFrame] = await Promise.all([
      streamToS3({ ...common, key: keys.video, url: task.videoUrl, kind: 'video' }),
      wantLastFrame && task.lastFrameUrl
        ? streamToS3({ ...common, key: keys.lastFrame, url: task.lastFrameUrl, kind: 'image' })
        : Promise.resolve(undefined),
    ]);
    if (wantLastFrame && !task.lastFrameUrl) logger.warn('last frame asked for but upstream sent none');
    logger.info('video saved', {
      taskId: job.taskId,
      bytes: saved.bytes,
      skipped: saved.skipped,
      lastFrameBytes: lastFrame?.bytes,
    });
    const result: VideoResult = {
      videoId: input.videoId,
      taskId: job.taskId,
      model: task.model || input.request.model,
      video: { key: saved.key, bytes: saved.bytes, contentType: saved.contentType },
      finishedAt: new Date((task.updatedAt || Date.now() / 1000) * 1000).toISOString(),
    };
    if (lastFrame)
      result.lastFrame = { key: lastFrame.key, bytes: lastFrame.bytes, contentType: lastFrame.contentType };
    if (task.usage) result.usage = task.usage;
    if (task.seed !== undefined) result.seed = task.seed;
    if (task.resolution) result.resolution = task.resolution;
    if (task.ratio) result.ratio = task.ratio;
    if (task.duration !== undefined) result.duration = task.duration;
    await recordTransition(videoSucceededChange(input, result), config);
    return result;
  });
