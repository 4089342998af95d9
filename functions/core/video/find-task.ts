/**
 * Recognises our upstream task among recent ones after a CreateTask whose outcome is unknown (timeout,
 * connection reset, 5xx, a 2xx we could not read): the task may exist even though we got no ID.
 * Upstream has no client token, so we match what we sent and it echoes: the model, the options we set,
 * and above all the seed we chose from the video ID (ids.ts `seedFor`), created after the request.
 * A recent task that does not echo a seed cannot be told apart from ours: the caller then stops rather
 * than risk paying for the same video twice.
 */
import type { CreateTaskInput, ListTasksQuery, TaskList, VideoTask } from '../ark/types';

/** Allowance for clock skew between us and upstream when comparing creation times. */
export const CREATE_TIME_SKEW_SECONDS = 120;

export interface TaskLookup {
  /** Our task, when one matches. Earliest first if (against all odds) several do. */
  match?: VideoTask;
  /** Recent tasks with the same model and options that carry no seed to compare. */
  unverifiable: VideoTask[];
  /** Tasks looked at that were created in the window. */
  recent: number;
}

function sameOption<T>(sent: T | undefined, got: T | undefined, wildcard?: T): boolean {
  return sent === undefined || got === undefined || sent === wildcard || sent === got;
}

export function isRecent(task: VideoTask, since: Date): boolean {
  return task.createdAt >= since.getTime() / 1000 - CREATE_TIME_SKEW_SECONDS;
}

/**
 * `seedIsOurs` false (the caller fixed the seed): another video with the same seed and options is
 * indistinguishable from ours, so look-alikes are reported unverifiable and never adopted or cancelled.
 */
export function lookForOurTask(
  request: CreateTaskInput,
  tasks: readonly VideoTask[],
  since: Date,
  seedIsOurs = true,
): TaskLookup {
  const recent = tasks.filter((t) => isRecent(t, since));
  const alike = recent.filter(
    (t) =>
      (!t.model || t.model === request.model) &&
      sameOption(request.ratio, t.ratio as CreateTaskInput['ratio'], 'adaptive') &&
      sameOption(request.resolution, t.resolution as CreateTaskInput['resolution']) &&
      sameOption(request.duration, t.duration, -1),
  );
  const matches = alike
    .filter((t) => t.seed !== undefined && t.seed === request.seed)
    .sort((a, b) => a.createdAt - b.createdAt);
  const seedless = alike.filter((t) => t.seed === undefined);
  if (!seedIsOurs) return { unverifiable: [...matches, ...seedless], recent: recent.length };
  return {
    ...(matches[0] ? { match: matches[0] } : {}),
    unverifiable: seedless,
    recent: recent.length,
  };
}

/** True once a page holds only tasks older than the window (lists are newest first). */
export function pastWindow(page: readonly VideoTask[], since: Date): boolean {
  return page.length > 0 && page.every((t) => !isRecent(t, since));
}

export const TASK_LIST_PAGE_SIZE = 100;
export const MAX_TASK_LIST_PAGES = 3;

/** Recent tasks of the model, newest first, paged until past the request's time (FindTask and DELETE). */
export async function recentTasks(
  api: { listTasks(q: ListTasksQuery): Promise<TaskList> },
  model: string,
  since: Date,
): Promise<VideoTask[]> {
  const seen: VideoTask[] = [];
  for (let pageNum = 1; pageNum <= MAX_TASK_LIST_PAGES; pageNum++) {
    const page = await api.listTasks({ pageNum, pageSize: TASK_LIST_PAGE_SIZE, model });
    seen.push(...page.items);
    if (page.items.length < TASK_LIST_PAGE_SIZE || pastWindow(page.items, since)) break;
  }
  return seen;
}
