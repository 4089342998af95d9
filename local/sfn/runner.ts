/**
 * Runs our ASL files on loopback with aws-local-stepfunctions: the same definitions CDK deploys, with
 * each Task state calling the step handler module that lib/workflows.ts names, in process.
 *
 * Hand-written on top of the library because it does not do these, and each is needed for the local
 * run to behave like AWS:
 *  - `${Placeholder}` substitution (CDK's definitionSubstitutions) with dummy Lambda ARNs;
 *  - Lambda-shaped invocation: `(input, context)` with a Context, JSON round-trip of input and output,
 *    the function's timeout, and a failure whose state error is the thrown error's `name` (Lambda's
 *    errorType) and whose Cause is `{"errorType","errorMessage","trace"}` as Step Functions reports it;
 *  - time scaling. Retry intervals are scaled in a copy of the definition (IntervalSeconds and
 *    MaxDelaySeconds × timeScale) rather than with the library's `retryIntervalOverrides`, because an
 *    override is one constant per retrier: it would flatten the BackoffRate progression and drop the
 *    jitter. Wait states with `Seconds` are scaled the same way; TimestampPath waits need nothing (the
 *    steps compute the instant with TIME_SCALE already).
 *  - the callback pattern (`arn:aws:states:::lambda:invoke.waitForTaskToken`): the library knows no
 *    task tokens, so the runner mints one for `$$.Task.Token`, invokes the function named by
 *    `Parameters.FunctionName` with the `Payload`, and parks the state until SendTaskSuccess /
 *    SendTaskFailure on the local endpoint settle the token (./task-tokens.ts), or until
 *    TimeoutSeconds(Path) / HeartbeatSeconds × timeScale pass (`States.Timeout`, as in AWS).
 * Task overrides in the library are keyed by state name across nested machines (Parallel branches,
 * Map item processors), so the definition is walked to route every nested Task too.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { loadConfig } from '../../functions/core/config';
import { definitionText, workflow, type StepDef, type WorkflowDef } from '../../lib/workflows';
import { logger } from '../../functions/shared/logger';
import { taskTokens } from './task-tokens';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export type StepHandler = (input: unknown, context: Context) => Promise<unknown> | unknown;
type Execution = ReturnType<StateMachine['run']>;
type JsonInput = Parameters<StateMachine['run']>[0];
type Overrides = NonNullable<RunOptions['overrides']>;
export type ExecutionEvent = Execution['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface LocalStateMachineOptions {
  /** Replaces a step's handler module, keyed by the step's substitution (`ValidateImageFunctionArn`). */
  handlers?: Partial<Record<string, StepHandler>>;
  /** Multiplies Retry intervals and `Seconds` waits (1 = as written). */
  timeScale?: number;
  /** Values for `${X}` placeholders that are not steps. */
  substitutions?: Record<string, string>;
  /** Passed to the library as is, keyed by state name (milliseconds). */
  waitTimeOverrides?: Record<string, number>;
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionOutcome {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: unknown;
  error?: string;
  cause?: string;
}

type StateJson = Record<string, unknown> & { Type?: string };
type MachineJson = { StartAt: string; States: Record<string, StateJson>; [k: string]: unknown };

/** Thrown out of a Task so the library sees Lambda's errorType as the state error name. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage, trace: [] }));
    this.name = errorType;
  }
}

export function dummyFunctionArn(substitution: string): string {
  const fn = substitution.replace(/FunctionArn$|Arn$/, '') || substitution;
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${fn}`;
}

/** Replaces every `${X}` inside the JSON text; an unknown placeholder is an error, as in CDK. */
export function substitute(aslText: string, values: Record<string, string>): string {
  const missing = new Set<string>();
  const out = aslText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) {
      missing.add(key);
      return whole;
    }
    return JSON.stringify(v).slice(1, -1);
  });
  if (missing.size > 0) throw new Error(`ASL placeholders without a value: ${[...missing].join(', ')}`);
  return out;
}

/** Calls `fn` for every state, including those of Parallel branches and Map item processors. */
export function visitStates(machine: MachineJson, fn: (name: string, state: StateJson) => void): void {
  for (const [name, state] of Object.entries(machine.States)) {
    fn(name, state);
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const b of state.Branches as MachineJson[]) visitStates(b, fn);
    }
    if (state.Type === 'Map') {
      const inner = (state.ItemProcessor ?? state.Iterator) as MachineJson | undefined;
      if (inner) visitStates(inner, fn);
    }
  }
}

/** A scaled copy: Retry IntervalSeconds/MaxDelaySeconds and Wait Seconds × timeScale. */
export function scaleDefinition<T extends MachineJson>(machine: T, timeScale: number): T {
  if (!(timeScale > 0)) throw new RangeError('timeScale must be > 0');
  const copy = structuredClone(machine);
  if (timeScale === 1) return copy;
  visitStates(copy, (_name, state) => {
    if (Array.isArray(state.Retry)) {
      for (const r of state.Retry as Record<string, unknown>[]) {
        r.IntervalSeconds = (typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1) * timeScale;
        if (typeof r.MaxDelaySeconds === 'number') r.MaxDelaySeconds = r.MaxDelaySeconds * timeScale;
      }
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds = state.Seconds * timeScale;
  });
  return copy;
}

/** A Lambda Context for an in-process invocation; the remaining time counts down from now. */
export function lambdaContext(functionName: string, timeoutSeconds = 30, memoryMb = 256): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const moduleCache = new Map<string, Promise<StepHandler>>();

/** Imports a handler module lazily, so a machine can be built before every step file exists. */
export function importHandler(modulePath: string): Promise<StepHandler> {
  let p = moduleCache.get(modulePath);
  if (!p) {
    p = import(pathToFileURL(resolve(REPO_ROOT, modulePath)).href).then((m: { handler?: unknown }) => {
      if (typeof m.handler !== 'function') throw new Error(`${modulePath} does not export a handler`);
      return m.handler as StepHandler;
    });
    p.catch(() => moduleCache.delete(modulePath));
    moduleCache.set(modulePath, p);
  }
  return p;
}

function toJson(value: unknown): JsonInput {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonInput);
}

function asLambdaError(e: unknown): LambdaFunctionError {
  if (e instanceof LambdaFunctionError) return e;
  if (e instanceof Error) return new LambdaFunctionError(e.name || 'Error', e.message);
  return new LambdaFunctionError('Error', String(e));
}

/** Invokes one step the way Lambda would; the returned function is the library's task override. */
function lambdaInvoker(step: StepDef, functionArn: string, override: StepHandler | undefined) {
  return async (input: JsonInput): Promise<JsonInput> => {
    const timeoutSeconds = step.timeoutSeconds ?? 30;
    const functionName = functionArn.slice(functionArn.lastIndexOf(':') + 1);
    const context = lambdaContext(functionName, timeoutSeconds, step.memoryMb);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${timeoutSeconds} seconds`),
          ),
        timeoutSeconds * 1000,
      );
    });
    try {
      const fn = override ?? (await importHandler(step.handler));
      const out = await Promise.race([
        logger.isolate(() => Promise.resolve(fn(toJson(input), context))),
        timedOut,
      ]);
      return toJson(out);
    } catch (e) {
      throw asLambdaError(e);
    } finally {
      clearTimeout(timer);
    }
  };
}

export const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const TOKEN_MARK = '__LOCAL_TASK_TOKEN__';
const TIMEOUT_FIELD = '__timeoutSeconds';
/** Longest the library's own Task timer may run (setTimeout overflows past 2^31 ms). */
const LIBRARY_TIMEOUT_CAP_SECONDS = 2_000_000;

/** `{"x.$": "$$.Task.Token"}` → `{"x": TOKEN_MARK}`, everywhere in a Payload template. */
function markTokenPaths(template: unknown): unknown {
  if (Array.isArray(template)) return template.map(markTokenPaths);
  if (!template || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template as Record<string, unknown>)) {
    if (k.endsWith('.$') && v === '$$.Task.Token') out[k.slice(0, -2)] = TOKEN_MARK;
    else out[k] = markTokenPaths(v);
  }
  return out;
}

function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_MARK) return token;
  if (Array.isArray(value)) return value.map((v) => withToken(v, token));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withToken(v, token)]),
  );
}

interface CallbackTiming {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  timeScale: number;
}

/**
 * Rewrites a `.waitForTaskToken` state for the library (token and timeout resolved by us) and returns
 * the step it invokes and its timing; the state's own timeout is then ours, scaled.
 */
function prepareCallbackTask(state: StateJson, label: string, name: string) {
  const params = (state.Parameters ?? {}) as Record<string, unknown>;
  const functionArn = params.FunctionName;
  if (typeof functionArn !== 'string')
    throw new Error(`${label}: callback Task "${name}" needs Parameters.FunctionName`);
  const timing = {
    timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
    heartbeatSeconds: typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined,
  };
  state.Parameters = {
    FunctionName: functionArn,
    Payload: markTokenPaths(params.Payload ?? {}),
    ...(typeof state.TimeoutSecondsPath === 'string'
      ? { [`${TIMEOUT_FIELD}.$`]: state.TimeoutSecondsPath }
      : {}),
  };
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSeconds;
  state.TimeoutSeconds = LIBRARY_TIMEOUT_CAP_SECONDS;
  return { functionArn, timing };
}

/** Mints the token, invokes the function with it, then parks until the token is settled or times out. */
function callbackInvoker(
  step: StepDef,
  functionArn: string,
  override: StepHandler | undefined,
  timing: CallbackTiming,
) {
  const invoke = lambdaInvoker(step, functionArn, override);
  return async (input: JsonInput): Promise<JsonInput> => {
    const params = (input ?? {}) as Record<string, unknown>;
    const seconds = typeof params[TIMEOUT_FIELD] === 'number' ? params[TIMEOUT_FIELD] : timing.timeoutSeconds;
    const timeoutMs = Math.min(seconds ?? LIBRARY_TIMEOUT_CAP_SECONDS, LIBRARY_TIMEOUT_CAP_SECONDS) * 1000;
    const heartbeatMs =
      timing.heartbeatSeconds === undefined ? undefined : timing.heartbeatSeconds * 1000 * timing.timeScale;
    const token = taskTokens.newToken();
    // The token is valid from the moment the state starts, as in AWS: a callback that comes while the
    // function still runs is not lost.
    const parked = taskTokens.wait(token, timeoutMs * timing.timeScale, heartbeatMs);
    parked.catch(() => undefined);
    try {
      await invoke(toJson(withToken(params.Payload, token)));
    } catch (e) {
      taskTokens.release(token);
      throw e;
    }
    return toJson(await parked);
  };
}

/** The library's StateMachine with our overrides applied to every run (and so to nested machines). */
export class LocalStateMachine extends StateMachine {
  constructor(
    definition: StateMachineDefinition,
    private readonly localOverrides: Overrides,
  ) {
    super(definition);
  }

  override run(input: JsonInput, options?: RunOptions): Execution {
    const given = options?.overrides ?? {};
    return super.run(input, {
      ...options,
      overrides: {
        taskResourceLocalHandlers: {
          ...this.localOverrides.taskResourceLocalHandlers,
          ...given.taskResourceLocalHandlers,
        },
        waitTimeOverrides: { ...this.localOverrides.waitTimeOverrides, ...given.waitTimeOverrides },
        retryIntervalOverrides: {
          ...this.localOverrides.retryIntervalOverrides,
          ...given.retryIntervalOverrides,
        },
      },
    });
  }
}

export interface AslSource {
  /** ASL JSON text (with placeholders) or an already parsed definition. */
  definition: string | MachineJson;
  steps: readonly StepDef[];
  /** For error messages. */
  label?: string;
}

/** Builds a runnable machine from any ASL + step list (the fixtures of tests use this directly). */
export function createStateMachineFromAsl(
  source: AslSource,
  opts: LocalStateMachineOptions = {},
): LocalStateMachine {
  const label = source.label ?? 'state machine';
  const arnToStep = new Map<string, StepDef>();
  const values: Record<string, string> = { ...opts.substitutions };
  for (const step of source.steps) {
    const arn = dummyFunctionArn(step.substitution);
    values[step.substitution] = arn;
    arnToStep.set(arn, step);
  }
  for (const key of Object.keys(opts.handlers ?? {})) {
    if (!source.steps.some((s) => s.substitution === key))
      throw new Error(`${label}: handler override for unknown step ${key}`);
  }
  const text = typeof source.definition === 'string' ? source.definition : JSON.stringify(source.definition);
  const machine = JSON.parse(substitute(text, values)) as MachineJson;

  const tasks: Record<string, (input: JsonInput) => Promise<JsonInput>> = {};
  const resourceOf = new Map<string, string>();
  const timeScale = opts.timeScale ?? 1;
  visitStates(machine, (name, state) => {
    if (state.Type !== 'Task') return;
    const callback =
      state.Resource === CALLBACK_RESOURCE ? prepareCallbackTask(state, label, name) : undefined;
    const resource = callback ? callback.functionArn : String(state.Resource);
    const step = arnToStep.get(resource);
    if (!step)
      throw new Error(`${label}: Task state "${name}" calls ${resource}, which is not one of its steps`);
    const seen = resourceOf.get(name);
    if (seen !== undefined && seen !== resource)
      throw new Error(
        `${label}: two Task states named "${name}" call different steps (local overrides are by name)`,
      );
    resourceOf.set(name, resource);
    const override = opts.handlers?.[step.substitution];
    if (callback) {
      tasks[name] = callbackInvoker(step, resource, override, { ...callback.timing, timeScale });
      return;
    }
    tasks[name] = lambdaInvoker(step, resource, override);
    // The library's own Task timeout (60 s default) must not cut a longer Lambda: ours is the Lambda's.
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined)
      state.TimeoutSeconds = Math.ceil(step.timeoutSeconds ?? 30) + 60;
  });

  const scaled = scaleDefinition(machine, timeScale);
  return new LocalStateMachine(scaled as unknown as StateMachineDefinition, {
    taskResourceLocalHandlers: tasks,
    waitTimeOverrides: opts.waitTimeOverrides ?? {},
    retryIntervalOverrides: opts.retryIntervalOverrides ?? {},
  });
}

/** Interface #5: one of our workflows, its Task states routed to the step modules of lib/workflows.ts. */
export function createLocalStateMachine(
  name: WorkflowDef['name'],
  opts: LocalStateMachineOptions = {},
): LocalStateMachine {
  const w = workflow(name);
  const config = loadConfig();
  const text = definitionText(w, readFileSync(resolve(REPO_ROOT, w.definitionFile), 'utf8'), config);
  // The stack provides ${BucketName} to every definition; locally it is the local bucket.
  const substitutions = {
    BucketName: config.bucketName ?? 'seedance-local',
    ...w.substitutions,
    ...opts.substitutions,
  };
  return createStateMachineFromAsl(
    { definition: text, steps: w.steps, label: w.definitionFile },
    { ...opts, substitutions },
  );
}

/** Maps the library's settled result to DescribeExecution's terms. */
export async function settle(result: Promise<unknown>): Promise<ExecutionOutcome> {
  try {
    return { status: 'SUCCEEDED', output: await result };
  } catch (e) {
    if (e instanceof ExecutionTimeoutError)
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
    if (e instanceof ExecutionAbortedError) return { status: 'ABORTED' };
    if (e instanceof ExecutionError && e.cause instanceof Error) {
      return { status: 'FAILED', error: e.cause.name, cause: e.cause.message };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    return { status: 'FAILED', error: err.name, cause: err.message };
  }
}

export interface LocalRunResult extends ExecutionOutcome {
  events: ExecutionEvent[];
}

export interface RunLocalOptions extends LocalStateMachineOptions {
  /** Execution name, visible to the ASL as `$$.Execution.Name`. */
  executionName?: string;
  /** Use this machine instead of building the workflow (fixtures). */
  machine?: LocalStateMachine;
}

export function executionContext(
  machineName: string,
  executionName: string,
): NonNullable<RunOptions['context']> {
  const smArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${machineName}`;
  return {
    Execution: {
      Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machineName}:${executionName}`,
      Name: executionName,
      RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`,
    },
    StateMachine: { Id: smArn, Name: machineName },
  };
}

/** Runs to the end and collects the event log; for tests. */
export async function runLocal(
  name: WorkflowDef['name'],
  input: unknown,
  opts: RunLocalOptions = {},
): Promise<LocalRunResult> {
  const machine = opts.machine ?? createLocalStateMachine(name, opts);
  const execution = machine.run(toJson(input), {
    context: executionContext(name, opts.executionName ?? randomUUID()),
  });
  const events: ExecutionEvent[] = [];
  const collecting = (async () => {
    for await (const ev of execution.eventLogs) events.push(ev);
  })();
  const outcome = await settle(execution.result);
  await collecting;
  return { ...outcome, events };
}
