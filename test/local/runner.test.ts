import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepDef } from '../../lib/workflows';
import { workflows } from '../../lib/workflows';
import { parseStepFailure, StepError } from '../../functions/core/step-errors';
import {
  createLocalStateMachine,
  createStateMachineFromAsl,
  runLocal,
  scaleDefinition,
  substitute,
  type LocalStateMachineOptions,
  type StepHandler,
} from '../../local/sfn/runner';

const FIXTURE = readFileSync(resolve(__dirname, 'fixtures/retry-catch-wait.asl.json'), 'utf8');
const STEPS: StepDef[] = [
  { substitution: 'FlakyFunctionArn', handler: 'test/local/fixtures/missing.ts', access: [] },
  {
    substitution: 'EchoFunctionArn',
    handler: 'test/local/fixtures/echo-step.ts',
    access: [],
    timeoutSeconds: 5,
  },
  { substitution: 'DoubleFunctionArn', handler: 'test/local/fixtures/missing.ts', access: [] },
];
const double: StepHandler = (n) => Number(n) * 2;

function fixture(opts: LocalStateMachineOptions) {
  return createStateMachineFromAsl(
    { definition: FIXTURE, steps: STEPS, label: 'fixture' },
    { timeScale: 0.0005, ...opts },
  );
}
function baseInput(waitMs = 0) {
  return { waitUntil: new Date(Date.now() + waitMs).toISOString(), items: [1, 2, 3] };
}
/** Fails `failures` times with the given error, then returns 'ok'. */
function flaky(failures: number, error: () => Error) {
  const calls: unknown[] = [];
  const fn: StepHandler = (input) => {
    calls.push(input);
    if (calls.length <= failures) throw error();
    return 'ok';
  };
  return { fn, calls };
}

describe('local state machine runner', () => {
  it('retries on the thrown error name and runs nested Parallel/Map tasks', async () => {
    // Prepare
    const f = flaky(2, () => new StepError('Upstream.Transient', 'ServerError', 'boom'));
    const machine = fixture({ handlers: { FlakyFunctionArn: f.fn, DoubleFunctionArn: double } });

    // Act
    const run = await runLocal('ingest', baseInput(), { machine });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(f.calls).toHaveLength(3);
    const retried = run.events.filter((e) => e.type === 'StateRetried');
    expect(retried).toHaveLength(2);
    const output = run.output as { flaky: string; fan: [{ input: unknown; functionName: string }, number[]] };
    expect(output.flaky).toBe('ok');
    expect(output.fan[1]).toEqual([2, 4, 6]);
    expect(output.fan[0].functionName).toBe('Echo');
  });

  it('passes a Lambda context and JSON round-trips the step output', async () => {
    // Prepare
    const machine = fixture({ handlers: { FlakyFunctionArn: () => 'ok', DoubleFunctionArn: double } });

    // Act
    const run = await runLocal('ingest', baseInput(), { machine });

    // Assess
    const echo = (run.output as { fan: [Record<string, unknown>] }).fan[0];
    expect(echo.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo.remainingMs).toBeGreaterThan(0);
    expect(echo.remainingMs).toBeLessThanOrEqual(5000);
    expect(echo.at).toBe('1970-01-01T00:00:00.000Z');
    expect((echo.input as { flaky: string }).flaky).toBe('ok');
  });

  it('gives up after MaxAttempts and fails with the error name and a Lambda-shaped cause', async () => {
    // Prepare
    const f = flaky(
      99,
      () => new StepError('Upstream.Throttled', 'RateLimited', 'slow down', { status: 429 }),
    );
    const machine = fixture({ handlers: { FlakyFunctionArn: f.fn, DoubleFunctionArn: double } });

    // Act
    const run = await runLocal('ingest', baseInput(), { machine });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(f.calls).toHaveLength(3);
    expect(run.error).toBe('Upstream.Throttled');
    expect(JSON.parse(run.cause ?? '')).toMatchObject({ errorType: 'Upstream.Throttled' });
    expect(parseStepFailure(run.error, run.cause)).toMatchObject({ code: 'RateLimited', status: 429 });
  });

  it('catches a named error and carries the cause out through a Fail state', async () => {
    // Prepare
    const f = flaky(1, () => new StepError('Upstream.Rejected', 'InvalidParameter', 'bad name'));
    const machine = fixture({ handlers: { FlakyFunctionArn: f.fn, DoubleFunctionArn: double } });

    // Act
    const run = await runLocal('ingest', baseInput(), { machine });

    // Assess
    expect(f.calls).toHaveLength(1);
    expect(run.events.some((e) => e.type === 'StateCaught')).toBe(true);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Upstream.Rejected');
    expect(parseStepFailure(run.error, run.cause)).toMatchObject({
      code: 'InvalidParameter',
      message: 'bad name',
    });
  });

  it('waits until the TimestampPath instant', async () => {
    // Prepare
    const machine = fixture({ handlers: { FlakyFunctionArn: () => 'ok', DoubleFunctionArn: double } });
    const input = baseInput(150);

    // Act
    const run = await runLocal('ingest', input, { machine });

    // Assess
    const left = run.events.find((e) => e.type === 'StateExited' && e.state.name === 'Pause');
    expect(left?.timestamp).toBeGreaterThanOrEqual(Date.parse(input.waitUntil));
  });

  it('exposes the execution name to the ASL context', async () => {
    // Prepare
    const asl = {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'name.$': '$$.Execution.Name' }, End: true } },
    };
    const machine = createStateMachineFromAsl({ definition: asl, steps: [] });

    // Act
    const run = await runLocal('video', {}, { machine, executionName: 'vid_123' });

    // Assess
    expect(run.output).toEqual({ name: 'vid_123' });
  });

  it('fails the task with Sandbox.Timedout when a step outlives its Lambda timeout', async () => {
    // Prepare
    const asl = { StartAt: 'T', States: { T: { Type: 'Task', Resource: '${SlowFunctionArn}', End: true } } };
    const steps: StepDef[] = [
      { substitution: 'SlowFunctionArn', handler: 'x.ts', access: [], timeoutSeconds: 0.05 },
    ];
    const machine = createStateMachineFromAsl(
      { definition: asl, steps },
      { handlers: { SlowFunctionArn: () => new Promise((r) => setTimeout(r, 2000)) } },
    );

    // Act
    const run = await runLocal('video', {}, { machine });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Sandbox.Timedout');
  });

  it('reports a missing handler module as a failed task, not a crash', async () => {
    // Prepare
    const machine = fixture({ handlers: { DoubleFunctionArn: double } });

    // Act
    const run = await runLocal('ingest', baseInput(), { machine });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.cause).toContain('missing.ts');
  });

  it('aborts a running execution', async () => {
    // Prepare
    const machine = fixture({ handlers: { FlakyFunctionArn: () => 'ok', DoubleFunctionArn: double } });
    const execution = machine.run(baseInput(60_000), { noThrowOnAbort: false });

    // Act
    execution.abort();

    // Assess
    await expect(execution.result).rejects.toThrow('aborted');
  });
});

describe('definition preparation', () => {
  it('scales Retry intervals, their caps and Seconds waits, nested ones too', () => {
    // Prepare
    const machine = JSON.parse(
      substitute(FIXTURE, { FlakyFunctionArn: 'a', EchoFunctionArn: 'b', DoubleFunctionArn: 'c' }),
    );
    machine.States.Fan.Branches[0].States.Echo.Retry = [{ ErrorEquals: ['X'], MaxDelaySeconds: 100 }];

    // Act
    const scaled = scaleDefinition(machine, 0.01);

    // Assess
    expect(scaled.States.Flaky.Retry).toMatchObject([
      { IntervalSeconds: 0.2, BackoffRate: 3 },
      { IntervalSeconds: 0.3, BackoffRate: 2, JitterStrategy: 'FULL' },
    ]);
    expect(scaled.States.Fixed.Seconds).toBeCloseTo(0.4);
    expect(scaled.States.Fan.Branches[0].States.Echo.Retry[0]).toMatchObject({
      IntervalSeconds: 0.01,
      MaxDelaySeconds: 1,
    });
    expect(machine.States.Flaky.Retry[0].IntervalSeconds).toBe(20);
  });

  it('rejects a placeholder with no value and a Task that calls no step', () => {
    // Prepare
    const unknownTask = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: '${OtherFunctionArn}', End: true } },
    };

    // Act
    const noValue = () => createStateMachineFromAsl({ definition: unknownTask, steps: [] });
    const notAStep = () =>
      createStateMachineFromAsl(
        { definition: unknownTask, steps: [] },
        { substitutions: { OtherFunctionArn: 'arn:aws:lambda:us-east-1:1:function:x' } },
      );

    // Assess
    expect(noValue).toThrow('OtherFunctionArn');
    expect(notAStep).toThrow('not one of its steps');
  });

  it.each(workflows.map((w) => w.name))('builds the %s workflow with every Task routed to a step', (name) => {
    // Prepare
    const build = () => createLocalStateMachine(name);

    // Act
    const machine = build();

    // Assess
    expect(machine).toBeDefined();
  });
});
