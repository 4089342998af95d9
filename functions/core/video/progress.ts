/**
 * The `$.job` a look at the task leads to, whoever looked: PollTask on its schedule, or the upstream
 * callback route that re-fetched the task and wakes the waiting state with it.
 */
import type { TaskStatus, VideoTask } from '../ark/types';
import { redactString } from '../redact';
import { nextPoll, type PollPolicy } from '../schedule';
import type { JobProgress } from './job';

const DEFAULT_FAILURE: Partial<Record<TaskStatus, { code: string; message: string }>> = {
  failed: { code: 'TaskFailed', message: 'The upstream task failed without saying why' },
  expired: { code: 'TaskExpired', message: 'The upstream task expired before it finished' },
  cancelled: { code: 'TaskCancelled', message: 'The upstream task was cancelled' },
};

export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'expired', 'cancelled'];

export function failureCause(task: VideoTask): string | undefined {
  const fallback = DEFAULT_FAILURE[task.status];
  if (!fallback) return undefined;
  const code = task.error?.code || fallback.code;
  // Upstream may echo a caller's presigned reference URL; this text reaches GET /videos bodies.
  const message = redactString(task.error?.message || fallback.message);
  return JSON.stringify({ code, message, taskId: task.id, taskStatus: task.rawStatus });
}

export function progressAfterLook(
  job: Required<Pick<JobProgress, 'taskId' | 'poll'>> & JobProgress,
  task: VideoTask,
  policy: PollPolicy,
  now: Date,
  timeScale: number,
): JobProgress {
  const next: JobProgress = {
    taskId: job.taskId,
    taskStatus: task.status,
    rawStatus: task.rawStatus,
    createAttempts: job.createAttempts,
    poll: nextPoll(job.poll, policy, now, timeScale),
  };
  const cause = failureCause(task);
  if (cause) next.failure = { cause };
  return next;
}
