/**
 * The Step Functions adapter: starting and stopping executions (named by the job's ID) and the few
 * control-plane reads the cleanup schedule makes. No request path reads Step Functions: statuses and
 * lists come from the state table (functions/shared/dynamodb.ts).
 */
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { required, type Config } from '../core/config';
import { ApiError } from '../core/errors';
import type { ExecutionStarter } from '../core/video';
import { executionArn } from '../core/video';
import { lazyClient, SDK_CLIENT_OPTIONS } from './lazy-client';

export const sfnClient = lazyClient(() => new SFNClient(SDK_CLIENT_OPTIONS));

const errorName = (e: unknown) => (e instanceof Error ? e.name : '');

/**
 * Step Functions refusals a caller can act on (wait and retry); anything else stays a 500 without
 * details, as the error middleware does for every unknown error.
 */
export function awsApiError(e: unknown): unknown {
  const name = errorName(e);
  if (
    name === 'ThrottlingException' ||
    name === 'ExecutionLimitExceeded' ||
    name === 'TooManyRequestsException'
  )
    return new ApiError('ServiceBusy', 'Too many video requests right now; retry shortly', undefined, {
      'Retry-After': '5',
    });
  return e;
}

/** StartExecution on one state machine; an existing execution of that name is `exists`, not an error. */
export function executionStarter(stateMachineArn: string): ExecutionStarter {
  return {
    start: async (name, input) => {
      try {
        await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input }));
        return 'started';
      } catch (e) {
        if (errorName(e) === 'ExecutionAlreadyExists') return 'exists';
        throw e;
      }
    },
  };
}

/**
 * SendTaskSuccess to a `.waitForTaskToken` state; `stale` when it no longer waits on the token (it
 * timed out and polled, or the execution ended), which is the normal end of a late callback.
 */
export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<'woken' | 'stale'> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'woken';
  } catch (e) {
    const name = errorName(e);
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return 'stale';
    throw e;
  }
}

/** DescribeExecution: whether the named execution is still running (the upload trigger's one read). */
export async function executionRunning(executionArn: string): Promise<boolean> {
  const out = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
  return out.status === 'RUNNING';
}

/** The video state machine, for the API: a throttled start answers 503 with Retry-After. */
export function videoExecutions(config: Pick<Config, 'videoStateMachineArn'>): ExecutionStarter {
  const starter = executionStarter(required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN'));
  return {
    start: (name, input) =>
      starter.start(name, input).catch((e: unknown) => {
        throw awsApiError(e);
      }),
  };
}

/** StopExecution; `false` when there is no such execution or it already ended. */
export async function stopVideoExecution(
  config: Pick<Config, 'videoStateMachineArn'>,
  videoId: string,
  error: string,
  cause: string,
): Promise<boolean> {
  const arn = executionArn(required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN'), videoId);
  try {
    await sfnClient().send(new StopExecutionCommand({ executionArn: arn, error, cause }));
    return true;
  } catch (e) {
    if (errorName(e) === 'ExecutionDoesNotExist') return false;
    throw awsApiError(e);
  }
}
