/**
 * AwaitCallback: the function the `WaitForTask` state (`.waitForTaskToken`) invokes with its task
 * token. It stores the token and the `$.job` beside the video record, for the upstream callback route
 * to wake the state with (functions/core/callbacks/wake.ts), then returns at once: the state keeps
 * waiting until the route sends the token back or its timeout — the next poll instant — sends it to
 * PollTask, so a callback that never comes costs latency and nothing else.
 */
import type { CallbackStore } from '../../core/callbacks';
import { required } from '../../core/config';
import type { JobProgress } from '../../core/video';
import { DynamoCallbackStore, ttlSecondsOf } from '../../shared/dynamodb';
import { logger } from '../../shared/logger';
import { runStep, stepRuntime } from './runtime';

export interface AwaitCallbackInput {
  videoId: string;
  job: JobProgress;
  taskToken: string;
}

let store: { table: string; store: CallbackStore } | undefined;

export function callbackStore(table: string): CallbackStore {
  if (store?.table !== table) store = { table, store: new DynamoCallbackStore(table) };
  return store.store;
}

export const handler = (input: AwaitCallbackInput): Promise<Record<string, never>> =>
  runStep('AwaitCallback', input.videoId, async () => {
    const { config } = stepRuntime();
    const taskId = input.job?.taskId;
    if (!taskId || !input.taskToken) return {};
    const waits = callbackStore(required(config.tableName, 'TABLE_NAME'));
    await waits.arm(
      {
        videoId: input.videoId,
        taskId,
        token: input.taskToken,
        job: input.job,
        armedAt: new Date().toISOString(),
      },
      ttlSecondsOf(config),
    );
    logger.debug('waiting for the task callback', { taskId, attempt: input.job.poll?.attempt });
    return {};
  });
