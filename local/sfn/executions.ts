/**
 * The executions of the local Step Functions endpoint, in memory, with the semantics our handlers rely
 * on in AWS: the execution name is the ID, StartExecution is idempotent for a RUNNING execution with
 * the same input (ExecutionAlreadyExists otherwise, also once closed), Stop aborts, List pages newest
 * first, and the history carries the state-entered/exited events in AWS's shape.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-json';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  executionContext,
  settle,
  type ExecutionEvent,
  type ExecutionStatus,
} from './runner';
import type { LocalStateMachine } from './runner';

export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Settles when the execution has closed and its history is complete. */
  done: Promise<void>;
  abort: () => void;
}

/** AWS: 1–80 characters, none of whitespace, brackets, wildcards, these punctuation marks or controls. */
// eslint-disable-next-line no-control-regex
const NAME_RE = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u;

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}
export function executionArn(machine: string, name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine}:${name}`;
}

function machineNameOf(arn: string): string {
  const m = /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/.exec(arn);
  if (!m?.[1]) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
  return m[1];
}

const STATE_PREFIX: Record<string, string> = {
  Task: 'Task',
  Pass: 'Pass',
  Wait: 'Wait',
  Choice: 'Choice',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Parallel: 'Parallel',
  Map: 'Map',
};

const json = (v: unknown) => JSON.stringify(v ?? null);

/** The library's event → AWS history event fields (without id/previousEventId), or undefined to skip. */
function toHistory(ev: ExecutionEvent, roleArn: string): { type: string; [k: string]: unknown } | undefined {
  switch (ev.type) {
    case 'ExecutionStarted':
      return { type: 'ExecutionStarted', executionStartedEventDetails: { input: json(ev.input), roleArn } };
    case 'ExecutionSucceeded':
      return { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(ev.output) } };
    case 'ExecutionFailed':
      return {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: ev.Error, cause: String(ev.Cause) },
      };
    case 'ExecutionAborted':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: {} };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} };
    case 'StateEntered':
      return {
        type: `${STATE_PREFIX[ev.state.type] ?? ev.state.type}StateEntered`,
        stateEnteredEventDetails: { name: ev.state.name, input: json(ev.state.input) },
      };
    case 'StateExited':
      return {
        type: `${STATE_PREFIX[ev.state.type] ?? ev.state.type}StateExited`,
        stateExitedEventDetails: { name: ev.state.name, output: json(ev.state.output) },
      };
    case 'StateFailed':
      return ev.state.type === 'Task'
        ? {
            type: 'LambdaFunctionFailed',
            lambdaFunctionFailedEventDetails: { error: ev.Error, cause: String(ev.Cause) },
          }
        : undefined;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return { type: ev.type, mapIterationEventDetails: { name: ev.parentState.name, index: ev.index } };
    default:
      return undefined;
  }
}

export interface StartInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
}

/** Called once when an execution closes, as AWS emits "Step Functions Execution Status Change". */
export type ExecutionEndListener = (r: ExecutionRecord) => Promise<void>;

export class ExecutionStore {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly ended = new Map<string, Promise<void>>();

  constructor(
    private readonly machines: Readonly<Record<string, LocalStateMachine>>,
    private readonly onEnd?: ExecutionEndListener,
  ) {}

  /** Runs the end listener once per execution; `done` waits for it, so a drained store is recorded. */
  private notifyEnd(r: ExecutionRecord): void {
    if (!this.onEnd || this.ended.has(r.executionArn)) return;
    this.ended.set(
      r.executionArn,
      this.onEnd(r).catch(() => undefined),
    );
  }

  start(req: StartInput): ExecutionRecord {
    const smName = machineNameOf(req.stateMachineArn);
    const machine = this.machines[smName];
    if (!machine)
      throw new AwsServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${req.stateMachineArn}'`,
      );
    const name = req.name ?? randomUUID();
    if (!NAME_RE.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const input = req.input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new AwsServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not valid JSON',
      );
    }
    const arn = executionArn(smName, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS: same name and input as a RUNNING execution returns it; closed or different input is an error.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const context = executionContext(smName, name);
    const run = machine.run(parsed as Parameters<LocalStateMachine['run']>[0], { context });
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: stateMachineArn(smName),
      stateMachineName: smName,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      history: [],
      done: Promise.resolve(),
      abort: run.abort,
    };
    const roleArn = `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`;
    const collecting = (async () => {
      for await (const ev of run.eventLogs) {
        const h = toHistory(ev, roleArn);
        if (!h) continue;
        const id = record.history.length + 1;
        record.history.push({ ...h, timestamp: new Date(ev.timestamp), id, previousEventId: id - 1 });
      }
    })();
    record.done = (async () => {
      const outcome = await settle(run.result);
      if (record.status === 'RUNNING') {
        record.status = outcome.status;
        record.stopDate = new Date();
        if (outcome.status === 'SUCCEEDED') record.output = json(outcome.output);
        if (outcome.error !== undefined) record.error = outcome.error;
        if (outcome.cause !== undefined) record.cause = outcome.cause;
      }
      await collecting;
      this.notifyEnd(record);
      await this.ended.get(arn);
    })();
    this.executions.set(arn, record);
    return record;
  }

  get(arn: string): ExecutionRecord {
    const r = this.executions.get(arn);
    if (!r) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return r;
  }

  stop(arn: string, error?: string, cause?: string): ExecutionRecord {
    const r = this.get(arn);
    if (r.status !== 'RUNNING') return r;
    r.status = 'ABORTED';
    r.stopDate = new Date();
    if (error !== undefined) r.error = error;
    if (cause !== undefined) r.cause = cause;
    r.abort();
    this.notifyEnd(r);
    return r;
  }

  /** Newest first, as AWS lists them (the map keeps start order). */
  list(smArn: string, statusFilter?: string): ExecutionRecord[] {
    const smName = machineNameOf(smArn);
    if (!this.machines[smName])
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`);
    return [...this.executions.values()]
      .filter((r) => r.stateMachineName === smName && (!statusFilter || r.status === statusFilter))
      .reverse();
  }

  /** Waits for every execution to close (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.executions.values()].map((r) => r.done));
  }

  abortAll(): void {
    for (const r of this.executions.values()) if (r.status === 'RUNNING') this.stop(r.executionArn);
  }
}
