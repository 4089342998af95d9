/**
 * The task API's budgets of this stack's account, for the video steps and the callback route: task
 * creates per minute, running slots per model (4k apart) and Get task per second, from config, in the
 * governor's store in the state table. `getTaskWithin` is the one way a task is read: every GET takes
 * the per-second budget first, and a throttle despite it slows the budget for everyone.
 */
import type { VideoClient, VideoTask } from '../core/ark';
import type { Config } from '../core/config';
import { required } from '../core/config';
import { UpstreamError } from '../core/errors';
import {
  SLOTS_4K,
  createTaskBudget,
  getTaskBudget,
  reportThrottle,
  taskSlotsBudget,
  takeWithin,
  type BudgetSpec,
  type BudgetStore,
} from '../core/governor';
import { videoPollPolicy } from '../core/video/job';
import { budgetsFor } from './budget-store';

export interface TaskBudgets {
  store: BudgetStore;
  create: BudgetSpec;
  get: BudgetSpec;
  /** The slots of one pool (`slotPoolOf`: the model, or `<model>#4k`). */
  slots(pool: string): BudgetSpec;
}

export function taskBudgets(config: Config): TaskBudgets {
  const scale = config.timeScale;
  const policy = videoPollPolicy(config);
  // A lease must outlive the longest gap between two looks at the task (each renews it): the longest
  // poll wait, three times over, plus a minute for a poll's retries before ReschedulePoll.
  const leaseMs = (3 * policy.maxDelaySeconds + 60) * 1000 * scale;
  const typicalHoldMs = 120_000 * scale;
  return {
    store: budgetsFor(required(config.tableName, 'TABLE_NAME')),
    create: createTaskBudget(config.taskCreatePerMinute, scale),
    get: getTaskBudget(config.getTaskPerSecond, scale),
    slots: (pool) =>
      taskSlotsBudget(pool, pool.endsWith('#4k') ? SLOTS_4K : config.taskSlotsPerModel, {
        leaseMs,
        typicalHoldMs,
        timeScale: scale,
      }),
  };
}

/** No Get-task budget within the wait allowed: come back at `waitUntil` (nothing was called). */
export interface NoReadBudget {
  noBudget: true;
  waitUntil: string;
}

/**
 * Reads a task inside the per-second budget, waiting in process at most `maxWaitMs` for it. A throttle
 * despite the budget (another client reads on the account) feeds the budget's feedback and is thrown on.
 */
export async function getTaskWithin(
  budgets: TaskBudgets,
  video: Pick<VideoClient, 'getTask'>,
  taskId: string,
  maxWaitMs: number,
): Promise<VideoTask | NoReadBudget> {
  const got = await takeWithin(budgets.store, budgets.get, maxWaitMs);
  if (!got.granted) return { noBudget: true, waitUntil: got.waitUntil };
  try {
    return await video.getTask(taskId);
  } catch (e) {
    if (e instanceof UpstreamError && e.throttled)
      await reportThrottle(budgets.store, budgets.get).catch(() => undefined);
    throw e;
  }
}

export const hasNoBudget = (r: VideoTask | NoReadBudget): r is NoReadBudget => 'noBudget' in r;
