/**
 * The local Step Functions endpoint: the AWS JSON 1.0 protocol for the actions our handlers and the
 * CLI use, over an in-memory ExecutionStore, so `@aws-sdk/client-sfn` works unchanged through
 * `AWS_ENDPOINT_URL_SFN`.
 */
import { AwsServiceError, startAwsJsonServer, type AwsJsonServer } from './aws-json';
import {
  ExecutionStore,
  type ExecutionEndListener,
  type ExecutionRecord,
  type HistoryEvent,
} from './executions';
import type { LocalStateMachine } from './runner';
import { TaskTokenError, taskTokens, type TaskTokens } from './task-tokens';

export interface SfnEndpointOptions {
  /** State machines by name; the ARN is `arn:aws:states:us-east-1:000000000000:stateMachine:<name>`. */
  machines: Readonly<Record<string, LocalStateMachine>>;
  host?: string;
  port?: number;
  /** Receives each execution's end (the local stand-in for the EventBridge status-change rule). */
  onExecutionEnd?: ExecutionEndListener;
  /** Where `.waitForTaskToken` states park (the runner's registry unless a test gives its own). */
  tokens?: TaskTokens;
}

export interface SfnEndpoint extends AwsJsonServer {
  store: ExecutionStore;
}

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

function str(body: Record<string, unknown>, key: string, required: true): string;
function str(body: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new AwsServiceError('ValidationException', `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new AwsServiceError('ValidationException', `${key} must be a string`);
  return v;
}

function pageSize(body: Record<string, unknown>): number {
  const v = body.maxResults;
  if (v === undefined || v === null || v === 0) return 100;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000)
    throw new AwsServiceError('ValidationException', 'maxResults must be an integer between 0 and 1000');
  return v;
}

/** Opaque cursor: the last item returned (an ARN or an event id) and what the token belongs to. */
function encodeToken(scope: string, after: string | number): string {
  return Buffer.from(JSON.stringify({ scope, after })).toString('base64url');
}
function decodeToken(token: string | undefined, scope: string): string | number | undefined {
  if (token === undefined) return undefined;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      scope?: unknown;
      after?: unknown;
    };
    if (t.scope === scope && (typeof t.after === 'string' || typeof t.after === 'number')) return t.after;
  } catch {
    // falls through to the error below
  }
  throw new AwsServiceError(
    'InvalidToken',
    'Invalid Token: the pagination token is not valid for this request',
  );
}

/** One page of `items` for a List/Get call: `maxResults`, and `nextToken` checked against `scope`. */
function paged<T>(
  items: T[],
  body: Record<string, unknown>,
  scope: string,
  keyOf: (t: T) => string | number,
) {
  const after = decodeToken(str(body, 'nextToken'), scope);
  const { slice, next } = page(items, pageSize(body), after, keyOf);
  return { slice, nextToken: next === undefined ? undefined : encodeToken(scope, next) };
}

function page<T>(items: T[], size: number, after: unknown, keyOf: (t: T) => string | number) {
  let start = 0;
  if (after !== undefined) {
    const i = items.findIndex((t) => keyOf(t) === after);
    start = i < 0 ? items.length : i + 1;
  }
  const slice = items.slice(start, start + size);
  const last = slice.at(-1);
  const more = start + size < items.length && last !== undefined;
  return { slice, next: more ? keyOf(last) : undefined };
}

function describe(r: ExecutionRecord) {
  return {
    ...summary(r),
    input: r.input,
    inputDetails: { included: true },
    output: r.output,
    outputDetails: r.output === undefined ? undefined : { included: true },
    error: r.error,
    cause: r.cause,
  };
}

function summary(r: ExecutionRecord) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: r.startDate,
    stopDate: r.stopDate,
  };
}

/** SendTask*: the token registry's refusals carry AWS's error names. */
function settleToken(fn: () => void): Record<string, never> {
  try {
    fn();
    return {};
  } catch (e) {
    if (e instanceof TaskTokenError) throw new AwsServiceError(e.name, e.message);
    throw e;
  }
}

/** SendTaskSuccess's output must be JSON (AWS answers InvalidOutput otherwise). */
function taskOutput(b: Record<string, unknown>): unknown {
  try {
    return JSON.parse(str(b, 'output', true)) as unknown;
  } catch {
    throw new AwsServiceError('InvalidOutput', 'output is not valid JSON');
  }
}

export async function startSfnEndpoint(opts: SfnEndpointOptions): Promise<SfnEndpoint> {
  const store = new ExecutionStore(opts.machines, opts.onExecutionEnd);
  const tokens = opts.tokens ?? taskTokens;
  const server = await startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    host: opts.host,
    port: opts.port,
    actions: {
      StartExecution: (b) => {
        const r = store.start({
          stateMachineArn: str(b, 'stateMachineArn', true),
          name: str(b, 'name'),
          input: str(b, 'input'),
        });
        return { executionArn: r.executionArn, startDate: r.startDate };
      },
      DescribeExecution: (b) => describe(store.get(str(b, 'executionArn', true))),
      SendTaskSuccess: (b) => {
        const token = str(b, 'taskToken', true);
        const output = taskOutput(b);
        return settleToken(() => tokens.succeed(token, output));
      },
      SendTaskFailure: (b) => {
        const token = str(b, 'taskToken', true);
        const error = str(b, 'error') ?? '';
        const cause = str(b, 'cause') ?? '';
        return settleToken(() => tokens.fail(token, error, cause));
      },
      SendTaskHeartbeat: (b) => settleToken(() => tokens.heartbeat(str(b, 'taskToken', true))),
      StopExecution: (b) => {
        const r = store.stop(str(b, 'executionArn', true), str(b, 'error'), str(b, 'cause'));
        return { stopDate: r.stopDate };
      },
      ListExecutions: (b) => {
        const smArn = str(b, 'stateMachineArn', true);
        const statusFilter = str(b, 'statusFilter');
        if (statusFilter !== undefined && !STATUSES.has(statusFilter))
          throw new AwsServiceError(
            'ValidationException',
            `statusFilter must be one of ${[...STATUSES].join(', ')}`,
          );
        const scope = `list:${smArn}:${statusFilter ?? ''}`;
        const { slice, nextToken } = paged(store.list(smArn, statusFilter), b, scope, (r) => r.executionArn);
        return { executions: slice.map(summary), nextToken };
      },
      GetExecutionHistory: (b) => {
        const arn = str(b, 'executionArn', true);
        const record = store.get(arn);
        const reverse = b.reverseOrder === true;
        const includeData = b.includeExecutionData !== false;
        const scope = `history:${arn}:${reverse}`;
        const events = reverse ? [...record.history].reverse() : [...record.history];
        const { slice, nextToken } = paged<HistoryEvent>(events, b, scope, (e) => e.id);
        return { events: includeData ? slice : slice.map(withoutData), nextToken };
      },
    },
  });
  return {
    ...server,
    store,
    close: async () => {
      store.abortAll();
      await server.close();
    },
  };
}

/** `includeExecutionData: false` drops inputs and outputs, as AWS does. */
function withoutData(e: HistoryEvent): HistoryEvent {
  const out: HistoryEvent = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventDetails') && v && typeof v === 'object') {
      const { input: _i, output: _o, ...rest } = v as Record<string, unknown>;
      out[k] = rest;
    }
  }
  return out;
}
