/**
 * CancelOnDeadline: the deadline passed without a result. A task still queued is cancelled upstream
 * (nothing is billed); a running one cannot be (upstream refuses) and is reported as such. The look
 * takes the Get-task budget; the running slot is released. Returns the TimedOut Fail state's Cause.
 */
import { UpstreamError } from '../../core/errors';
import type { VideoJobState } from '../../core/video';
import { logger } from '../../shared/logger';
import { pollingJob } from '../../core/video';
import { runStep, stepRuntime } from '../../shared/video-step';
import { releaseSlot } from '../../core/governor';
import { StepError } from '../../core/step-errors';
import { getTaskWithin, hasNoBudget, taskBudgets } from '../../shared/task-budget';

export interface DeadlineOutcome {
  upstreamCancelled: boolean;
  cause: string;
}

export const handler = (input: VideoJobState): Promise<DeadlineOutcome> =>
  runStep('CancelOnDeadline', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const job = pollingJob(input);
    const budgets = taskBudgets(config);
    const read = await getTaskWithin(budgets, video, job.taskId, 5 * budgets.get.windowMs);
    if (hasNoBudget(read))
      throw new StepError('Upstream.Throttled', 'GetTaskBudget', 'no Get-task budget for the check yet');
    const task = read;
    let upstreamCancelled = false;
    let note: string;
    if (task.status === 'queued') {
      try {
        await video.cancelTask(job.taskId);
        upstreamCancelled = true;
        note = 'the queued upstream task was cancelled';
      } catch (e) {
        // A refusal means it started in the meantime; faults go to the ASL's Retry.
        if (!(e instanceof UpstreamError) || e.retryable) throw e;
        note = `the upstream task could not be cancelled (${e.code}); it may still run and be billed`;
      }
    } else {
      note = `the upstream task is ${task.rawStatus} and could not be cancelled; it may still run and be billed`;
    }
    // Cancelled or not, this video is done with its slot (a running task may hold upstream's a while).
    if (job.slot)
      await releaseSlot(budgets.store, budgets.slots(job.slot.pool), job.slot.ticket).catch(() => undefined);
    const minutes = Math.round(config.videoDeadlineSeconds / 60);
    logger.warn('video deadline passed', { taskId: job.taskId, status: task.rawStatus, upstreamCancelled });
    return {
      upstreamCancelled,
      cause: JSON.stringify({
        code: 'TimedOut',
        message: `No result within ${minutes} min; ${note}`,
        taskId: job.taskId,
        taskStatus: task.rawStatus,
        upstreamCancelled,
      }),
    };
  });
