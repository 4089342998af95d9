/**
 * PollTask: reads the task once and schedules the next check. A task that ended without a video gets
 * `failure.cause` (JSON `{code, message}` with upstream's code, e.g. OutputVideoSensitiveContentDetected),
 * which the ASL's VideoFailed/VideoExpired/VideoCancelled Fail states carry out. Unknown statuses count
 * as running (the client normalises them) and keep the loop going until the deadline.
 *
 * The read takes the account's Get-task budget first (functions/shared/task-budget.ts). Without budget
 * within a window, or when upstream throttles the read anyway, the same check is scheduled a little
 * later: WaitForTask sleeps again, no attempt is burnt. Each look renews the task's running slot; a look
 * that finds it ended releases the slot for the next video.
 */
import { UpstreamError } from '../../core/errors';
import { releaseSlot, renewSlot } from '../../core/governor';
import { TERMINAL_TASK_STATUSES } from '../../core/video/progress';
import { pollAgainAt } from '../../core/schedule';
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
import { getTaskWithin, hasNoBudget, taskBudgets } from '../../shared/task-budget';
import { runStep, stepRuntime } from '../../shared/video-step';

export const handler = (input: VideoJobState): Promise<JobProgress> =>
  runStep('PollTask', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const job = pollingJob(input);
    const budgets = taskBudgets(config);
    const later = (at: Date, why: string): JobProgress => {
      logger.info('task look deferred for the Get-task budget', { taskId: job.taskId, reason: why });
      return { ...job, poll: pollAgainAt(job.poll, at, new Date(), config.timeScale) };
    };
    let task;
    try {
      const read = await getTaskWithin(budgets, video, job.taskId, budgets.get.windowMs);
      if (hasNoBudget(read)) return later(new Date(read.waitUntil), 'no-budget');
      task = read;
    } catch (e) {
      if (!(e instanceof UpstreamError && e.throttled)) throw e;
      return later(new Date(Date.now() + budgets.get.windowMs * (1 + Math.random())), 'throttled');
    }
    const next = progressAfterLook(job, task, videoPollPolicy(config), new Date(), config.timeScale);
    if (job.slot) {
      const slots = budgets.slots(job.slot.pool);
      const ended = TERMINAL_TASK_STATUSES.includes(task.status);
      await (ended ? releaseSlot : renewSlot)(budgets.store, slots, job.slot.ticket).catch(() => undefined);
    }
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
