/**
 * POST /callbacks/ark/{videoId}?sig=…: upstream says a task changed. Nothing in the request is
 * trusted but the signature of the URL, and that only proves the URL is ours for this video:
 *  1. a bad or missing signature ends it (`forged`);
 *  2. only a claimed end (succeeded, failed, expired) is worth a look: queued/running change nothing
 *     the waiting state would act on (`not-terminal`), and a body naming another task is ignored;
 *  3. no state waiting (between polls, or already woken by a retry) → nothing to do (`not-waiting`);
 *  4. one GET re-fetches the task; unless upstream itself says it ended (`still-running`), nothing moves;
 *  5. the wait is removed for its token (one winner among retries), the fetched task kept for
 *     SaveVideo, and the waiting state woken with the progress a poll would have produced.
 * The route answers the same whatever the outcome; the outcome is for logs and counters.
 */
import type { VideoTask } from '../ark/types';
import { isRecord } from '../http';
import type { PollPolicy } from '../schedule';
import { progressAfterLook, TERMINAL_TASK_STATUSES } from '../video/progress';
import type { JobProgress } from '../video/job';
import { verifyCallbackSignature } from './signature';
import type { CallbackStore } from './waits';

export type CallbackOutcome =
  'forged' | 'not-terminal' | 'other-task' | 'not-waiting' | 'still-running' | 'stale' | 'woken';

export interface TaskCallback {
  videoId: string;
  sig: string | undefined;
  /** The parsed body, if it was JSON; a claim only. */
  body: unknown;
}

export interface WakeDeps {
  secret: string;
  store: CallbackStore;
  getTask(taskId: string): Promise<VideoTask>;
  /** SendTaskSuccess; `stale` when Step Functions no longer waits on the token (timed out meanwhile). */
  wake(token: string, job: JobProgress): Promise<'woken' | 'stale'>;
  policy: PollPolicy;
  /** The task ended: give its running slot back (best effort; an unreleased lease lapses). */
  release?(job: JobProgress): Promise<void>;
  timeScale: number;
  ttlSeconds: number;
  now?: () => Date;
}

const CLAIMED_ENDS = new Set(['succeeded', 'failed', 'expired']);

export async function answerTaskCallback(cb: TaskCallback, deps: WakeDeps): Promise<CallbackOutcome> {
  if (!verifyCallbackSignature(deps.secret, cb.videoId, cb.sig)) return 'forged';
  const claim = isRecord(cb.body) ? cb.body : {};
  if (typeof claim.status !== 'string' || !CLAIMED_ENDS.has(claim.status)) return 'not-terminal';
  const wait = await deps.store.get(cb.videoId);
  if (!wait) return 'not-waiting';
  if (typeof claim.id === 'string' && claim.id !== wait.taskId) return 'other-task';
  const task = await deps.getTask(wait.taskId);
  if (!TERMINAL_TASK_STATUSES.includes(task.status)) return 'still-running';
  if (!(await deps.store.disarm(cb.videoId, wait.token))) return 'not-waiting';
  const now = deps.now?.() ?? new Date();
  if (task.status === 'succeeded')
    await deps.store.keepTask(cb.videoId, { task, fetchedAt: now.toISOString() }, deps.ttlSeconds);
  const job = wait.job;
  if (!job.taskId || !job.poll) return 'stale';
  const next = progressAfterLook(
    { ...job, taskId: job.taskId, poll: job.poll },
    task,
    deps.policy,
    now,
    deps.timeScale,
  );
  await deps.release?.(next).catch(() => undefined);
  return deps.wake(wait.token, next);
}
