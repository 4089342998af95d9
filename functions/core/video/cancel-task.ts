/**
 * The upstream half of DELETE /videos/{videoId}, once the execution is stopped. Stopping an execution
 * does not stop a Lambda already running, so a CreateTask in flight can still create the task after the
 * stop, and its ID never reaches the record. When the record holds no task ID, the task is therefore
 * looked for the way FindTask does (find-task.ts: model, options, our seed, created after the request)
 * and cancelled while it is still queued: a queued task costs nothing, a running one cannot be
 * cancelled upstream and will be billed. While a creation may still be in flight the lookup is repeated
 * a few times, as the task may appear only once CreateTask's request lands.
 */
import type { CreateTaskInput, ListTasksQuery, TaskList, VideoTask } from '../ark/types';
import { isUpstreamError } from '../errors';
import { lookForOurTask, recentTasks, type TaskLookup } from './find-task';

/**
 * Pauses before each lookup while a creation may be in flight; ~7 s in all, within the API's 29 s.
 * Not shrunk by TIME_SCALE: they wait for a real HTTP call to land, which a time scale does not speed up.
 */
export const IN_FLIGHT_LOOKUP_DELAYS_MS: readonly number[] = [0, 1_000, 2_000, 4_000];

/** The task methods used here (VideoClient has them). */
export interface TaskApi {
  getTask(id: string): Promise<VideoTask>;
  listTasks(q: ListTasksQuery): Promise<TaskList>;
  cancelTask(id: string): Promise<void>;
}

/**
 * `cancelled`: the queued task was cancelled, nothing is billed. `not_cancellable`: it already runs or
 * ended. `not_found`: no task of ours exists. `unknown`: upstream could not tell us (an error, or recent
 * tasks that echo no seed), so one may still run.
 */
export type UpstreamCancelOutcome = 'cancelled' | 'not_cancellable' | 'not_found' | 'unknown';

export type TaskSource = 'record' | 'lookup';

export interface UpstreamCancel {
  outcome: UpstreamCancelOutcome;
  cancelled: boolean;
  taskId?: string;
  taskStatus?: string;
  /** Where the task ID came from: the video's record, or a lookup among recent tasks. */
  foundBy?: TaskSource;
  /** Upstream's error code when a call failed (for the log; the message says it too). */
  errorCode?: string;
  message: string;
}

export interface CancelTaskInput {
  /** The task ID the video's record holds, if any. */
  taskId?: string;
  /** What CreateTask sends (the execution input); without it no lookup is possible. */
  request?: CreateTaskInput;
  /** Lower bound of the task's creation time (the execution input's `requestedAt`). */
  since?: Date;
  /** The video was stopped before a task ID was known: a CreateTask may still be in flight. */
  creationInFlight?: boolean;
  /** False when the caller fixed the seed: a look-alike is then never cancelled (find-task.ts). */
  seedIsOurs?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function lookUp(
  api: TaskApi,
  request: CreateTaskInput,
  since: Date,
  delaysMs: readonly number[],
  sleep: (ms: number) => Promise<void>,
  seedIsOurs: boolean,
): Promise<TaskLookup> {
  let last: TaskLookup = { unverifiable: [], recent: 0 };
  let lastError: unknown;
  for (const delay of delaysMs) {
    if (delay > 0) await sleep(delay);
    try {
      last = lookForOurTask(request, await recentTasks(api, request.model, since), since, seedIsOurs);
      lastError = undefined;
    } catch (e) {
      if (!isUpstreamError(e)) throw e;
      lastError = e;
      if (!e.retryable) break;
      continue;
    }
    if (last.match) return last;
  }
  if (lastError) throw lastError;
  return last;
}

function notCancellable(taskId: string, rawStatus: string, foundBy: TaskSource): UpstreamCancel {
  return {
    outcome: 'not_cancellable',
    cancelled: false,
    taskId,
    taskStatus: rawStatus,
    foundBy,
    message: `The upstream task is ${rawStatus}; only queued tasks can be cancelled, so it may still be billed`,
  };
}

function cancelFailed(taskId: string, foundBy: TaskSource, e: unknown): UpstreamCancel {
  if (!isUpstreamError(e)) throw e;
  return {
    outcome: 'unknown',
    cancelled: false,
    taskId,
    foundBy,
    errorCode: e.code,
    message: `The upstream task could not be cancelled (${e.code}); it may still run and be billed`,
  };
}

async function cancelKnown(
  api: TaskApi,
  taskId: string,
  foundBy: TaskSource,
  known?: VideoTask,
): Promise<UpstreamCancel> {
  try {
    const task = known ?? (await api.getTask(taskId));
    if (task.status !== 'queued') return notCancellable(taskId, task.rawStatus, foundBy);
    await api.cancelTask(taskId);
  } catch (e) {
    // 409: it started between our read and the cancel; its status says what it became.
    if (isUpstreamError(e) && e.status === 409) {
      const now = await api.getTask(taskId).catch(() => undefined);
      if (now && now.status !== 'queued') return notCancellable(taskId, now.rawStatus, foundBy);
    }
    return cancelFailed(taskId, foundBy, e);
  }
  return {
    outcome: 'cancelled',
    cancelled: true,
    taskId,
    taskStatus: 'cancelled',
    foundBy,
    message: 'The queued upstream task was cancelled',
  };
}

async function findAndCancel(api: TaskApi, input: CancelTaskInput): Promise<UpstreamCancel> {
  const { request, since } = input;
  if (!request || !since || Number.isNaN(since.getTime()))
    return {
      outcome: 'unknown',
      cancelled: false,
      message: 'No upstream task ID is known and the request cannot be matched; a task may still run',
    };
  const delays = input.creationInFlight ? IN_FLIGHT_LOOKUP_DELAYS_MS : [0];
  const lookup = await lookUp(
    api,
    request,
    since,
    delays,
    input.sleep ?? defaultSleep,
    input.seedIsOurs ?? true,
  );
  if (lookup.match) return cancelKnown(api, lookup.match.id, 'lookup', lookup.match);
  if (lookup.unverifiable.length > 0)
    return {
      outcome: 'unknown',
      cancelled: false,
      message:
        `No upstream task ID is known and ${lookup.unverifiable.length} recent task(s) that could be ours ` +
        'carry no seed to check; none was cancelled, so one may still run',
    };
  return {
    outcome: 'not_found',
    cancelled: false,
    message: input.creationInFlight
      ? 'No upstream task was found: the creation in progress when the video was stopped had not created one'
      : 'No upstream task had been created; nothing runs upstream',
  };
}

/** Cancels our upstream task if it is still queued; upstream trouble is reported, not thrown. */
export async function cancelUpstreamTask(api: TaskApi, input: CancelTaskInput): Promise<UpstreamCancel> {
  if (input.taskId) return cancelKnown(api, input.taskId, 'record');
  try {
    return await findAndCancel(api, input);
  } catch (e) {
    if (!isUpstreamError(e)) throw e;
    return {
      outcome: 'unknown',
      cancelled: false,
      errorCode: e.code,
      message: `The upstream task could not be looked up (${e.code}); one may still run and be billed`,
    };
  }
}
