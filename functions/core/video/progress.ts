/**
 * The `$.job` a look at the task leads to, whoever looked: PollTask on its schedule, or the upstream
 * callback route that re-fetched the task and wakes the waiting state with it.
 */
import type { TaskStatus, VideoTask } from '../ark/types';
import { holdDeadline, nextPoll, type PollPolicy } from '../schedule';
import type { JobProgress } from './job';
import { failureCause } from './poll';

export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'expired', 'cancelled'];

export function progressAfterLook(
  job: Required<Pick<JobProgress, 'taskId' | 'poll'>> & JobProgress,
  task: VideoTask,
  policy: PollPolicy,
  now: Date,
  timeScale: number,
): JobProgress {
  // Queued upstream is waiting, not work: the deadline counts from leaving upstream's queue.
  const poll = task.status === 'queued' ? holdDeadline(job.poll, policy, now, timeScale) : job.poll;
  const next: JobProgress = {
    taskId: job.taskId,
    taskStatus: task.status,
    rawStatus: task.rawStatus,
    createAttempts: job.createAttempts,
    poll: nextPoll(poll, policy, now, timeScale),
    ...(job.slot ? { slot: job.slot } : {}),
  };
  const cause = failureCause(task);
  if (cause) next.failure = { cause };
  return next;
}
