/**
 * What the waiting state of a video leaves for the callback route, and what the route leaves for
 * SaveVideo. Both live in the state table beside the video record (functions/shared/dynamodb.ts):
 *  - the wait: the task token of the `.waitForTaskToken` state now waiting, with the `$.job` it waits
 *    with, so the route can wake it with the same progress a poll would have produced;
 *  - the fetched task: the Get answer the route re-fetched, taken once by SaveVideo so noticing and
 *    saving a finished video cost one GET between them. Upstream's 24 h links stay in the table and
 *    never pass through execution state or history.
 */
import type { VideoTask } from '../ark/types';
import type { JobProgress } from '../video/job';

export interface CallbackWait {
  videoId: string;
  taskId: string;
  token: string;
  job: JobProgress;
  /** ISO-8601. */
  armedAt: string;
}

export interface FetchedTask {
  task: VideoTask;
  /** ISO-8601. */
  fetchedAt: string;
}

export interface CallbackStore {
  /** Stores the wait of the state now waiting (replacing an older one: its token has timed out). */
  arm(wait: CallbackWait, ttlSeconds: number): Promise<void>;
  get(videoId: string): Promise<CallbackWait | undefined>;
  /** Removes the wait if it still holds `token`; true for exactly one caller per token. */
  disarm(videoId: string, token: string): Promise<boolean>;
  keepTask(videoId: string, fetched: FetchedTask, ttlSeconds: number): Promise<void>;
  /** Reads and removes the kept task: one use. */
  takeTask(videoId: string): Promise<FetchedTask | undefined>;
}

/** A kept task is used only while its links are certainly fresh (upstream's last 24 h). */
export const FETCHED_TASK_MAX_AGE_SECONDS = 600;

export function usableFetchedTask(
  fetched: FetchedTask | undefined,
  taskId: string,
  now: Date,
  timeScale = 1,
): VideoTask | undefined {
  if (!fetched || fetched.task.id !== taskId || fetched.task.status !== 'succeeded') return undefined;
  const age = now.getTime() - new Date(fetched.fetchedAt).getTime();
  return age >= 0 && age <= FETCHED_TASK_MAX_AGE_SECONDS * 1000 * timeScale ? fetched.task : undefined;
}
