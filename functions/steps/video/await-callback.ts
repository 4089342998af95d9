/**
 * AwaitCallback: the function the `WaitForTask` state (`.waitForTaskToken`) invokes with its task
 * token. It stores the token and the `$.job` beside the video record, for the upstream callback route
 * to wake the state with (functions/core/callbacks/wake.ts), then returns at once: the state keeps
 * waiting until the route sends the token back or its timeout — the next poll instant — sends it to
 * PollTask, so a callback that never comes costs latency and nothing else.
 */
import { loadConfig, required } from '../../core/config';
import type { JobProgress } from '../../core/video';
import { callbackStoreFor, ttlSecondsOf } from '../../shared/dynamodb';
import { logger } from '../../shared/logger';
import { stepRunner } from '../../shared/run-step';

// Config and the runner only: shared/video-step.ts would bring the video client, and with it the
// Secrets Manager client, into a bundle that never calls upstream.
const runStep = stepRunner('videoId');

export interface AwaitCallbackInput {
  videoId: string;
  job: JobProgress;
  taskToken: string;
}

export const handler = (input: AwaitCallbackInput): Promise<Record<string, never>> =>
  runStep('AwaitCallback', input.videoId, async () => {
    const config = loadConfig();
    const taskId = input.job?.taskId;
    if (!taskId || !input.taskToken) return {};
    const waits = callbackStoreFor(required(config.tableName, 'TABLE_NAME'));
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
