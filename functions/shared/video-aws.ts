/**
 * The Step Functions side of the video API handlers: the client, built once per process, and the few
 * execution reads the four video routes share. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so local mode changes no code. S3 lives in `./s3` and
 * `./video-links`, so the routes that never touch S3 do not bundle it.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { ApiError } from '../core/errors';
import { historyFacts, type ExecutionFacts, type HistoryFacts } from '../core/video';
import { logger } from './logger';

let sfn: SFNClient | undefined;

export function sfnClient(): SFNClient {
  sfn ??= new SFNClient({});
  return sfn;
}

/** Tests that change endpoints between cases drop the cached clients. */
export function resetAwsClients(): void {
  sfn = undefined;
}

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
    return new ApiError(503, 'ServiceBusy', 'Too many video requests right now; retry shortly', undefined, {
      'Retry-After': '5',
    });
  return e;
}

/** DescribeExecution, or undefined when there is no such execution (no such video). */
export async function describeExecution(
  executionArn: string,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
  } catch (e) {
    if (errorName(e) === 'ExecutionDoesNotExist') return undefined;
    throw awsApiError(e);
  }
}

/**
 * The newest events of a running execution: which state it is in and the last `$.job`. A failure here
 * only makes the status coarser (`queued` instead of `running`/`saving`), so it is logged, not thrown.
 */
export async function runningHistory(executionArn: string, maxResults = 25): Promise<HistoryFacts> {
  try {
    const out = await sfnClient().send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults,
        includeExecutionData: true,
      }),
    );
    return historyFacts(out.events ?? []);
  } catch (e) {
    logger.warn('execution history unavailable', { errorName: errorName(e) });
    return {};
  }
}

export function executionFacts(
  videoId: string,
  d: Pick<
    DescribeExecutionCommandOutput,
    'status' | 'startDate' | 'stopDate' | 'input' | 'output' | 'error' | 'cause'
  >,
  history?: HistoryFacts,
): ExecutionFacts {
  const facts: ExecutionFacts = {
    videoId,
    status: d.status ?? 'RUNNING',
    startDate: d.startDate ?? new Date(0),
  };
  if (d.stopDate) facts.stopDate = d.stopDate;
  if (d.input !== undefined) facts.input = d.input;
  if (d.output !== undefined) facts.output = d.output;
  if (d.error !== undefined) facts.error = d.error;
  if (d.cause !== undefined) facts.cause = d.cause;
  if (history) facts.history = history;
  return facts;
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
