/**
 * PollTask: reads the task once and schedules the next check. A task that ended without a video gets
 * `failure.cause` (JSON `{code, message}` with upstream's code, e.g. OutputVideoSensitiveContentDetected),
 * which the ASL's VideoFailed/VideoExpired/VideoCancelled Fail states carry out. Unknown statuses count
 * as running (the client normalises them) and keep the loop going until the deadline.
 */
import {
  pollingJob,
  progressAfterLook,
  videoPollPolicy,
  type JobProgress,
  type VideoJobState,
} from '../../core/video';
import { logger } from '../../shared/logger';
import { videoProgressChange } from '../../core/records';
import { recordTransition } from '../../shared/record-transition';
import { runStep, stepRuntime } from '../../shared/video-step';

export const handler = (input: VideoJobState): Promise<JobProgress> =>
  runStep('PollTask', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const job = pollingJob(input);
    const task = await video.getTask(job.taskId);
    const next = progressAfterLook(job, task, videoPollPolicy(config), new Date(), config.timeScale);
    // A task that ended is written by SaveVideo or by the execution's end, with what they know.
    if (task.status === 'queued' || task.status === 'running')
      await recordTransition(videoProgressChange(input, next), config);
    const level = task.rawStatus !== job.rawStatus ? 'info' : 'debug';
    logger[level]('task polled', {
      taskId: job.taskId,
      status: task.rawStatus,
      attempt: next.poll?.attempt,
      pastDeadline: next.poll?.pastDeadline,
    });
    return next;
  });
