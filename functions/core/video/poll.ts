/**
 * What the poll loop's steps share: the progress record a polling state must carry, and the Fail
 * state's Cause for a task that ended without a video (upstream's code, e.g.
 * OutputVideoSensitiveContentDetected, with a scrubbed message).
 */
import type { TaskStatus, VideoTask } from '../ark/types';
import { redactString } from '../redact';
import { StepError } from '../step-errors';
import type { JobProgress, VideoJobState } from './job';

const DEFAULT_FAILURE: Partial<Record<TaskStatus, { code: string; message: string }>> = {
  failed: { code: 'TaskFailed', message: 'The upstream task failed without saying why' },
  expired: { code: 'TaskExpired', message: 'The upstream task expired before it finished' },
  cancelled: { code: 'TaskCancelled', message: 'The upstream task was cancelled' },
};

export function failureCause(task: VideoTask): string | undefined {
  const fallback = DEFAULT_FAILURE[task.status];
  if (!fallback) return undefined;
  const code = task.error?.code || fallback.code;
  // Upstream may echo a caller's presigned reference URL; this text reaches GET /videos bodies.
  const message = redactString(task.error?.message || fallback.message);
  return JSON.stringify({ code, message, taskId: task.id, taskStatus: task.rawStatus });
}

/** The progress record a poll loop needs; a state without it is a wiring bug, not an upstream problem. */
export function pollingJob(
  input: VideoJobState,
): Required<Pick<JobProgress, 'taskId' | 'poll'>> & JobProgress {
  const job = input.job;
  if (!job?.taskId || !job.poll)
    throw new StepError('InvalidState', 'InvalidState', 'the video state has no $.job.taskId/$.job.poll');
  return job as Required<Pick<JobProgress, 'taskId' | 'poll'>> & JobProgress;
}
