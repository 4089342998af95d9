import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStepFailure, StepError } from '../../functions/core/step-errors';
import { executionArn, stateMachineArn } from '../../local/sfn/executions';
import { createStateMachineFromAsl, type StepHandler } from '../../local/sfn/runner';
import { startSfnEndpoint, type SfnEndpoint } from '../../local/sfn/server';

const ASL = {
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: '${WorkFunctionArn}', ResultPath: '$.result', End: true } },
};
const STEPS = [{ substitution: 'WorkFunctionArn', handler: 'unused.ts', access: [] }];

/** Each execution's Work step waits for its own gate, so tests decide when an execution ends. */
const gates = new Map<string, () => void>();
const gated: StepHandler = (input) =>
  new Promise((resolve) => gates.set((input as { id: string }).id, () => resolve({ ok: true })));
const failing: StepHandler = () => {
  throw new StepError('Upstream.Rejected', 'InvalidParameter', 'bad prompt');
};

let endpoint: SfnEndpoint;
let sfn: SFNClient;
const SLOW = stateMachineArn('slow');
const FAIL = stateMachineArn('fail');

async function openGate(id: string): Promise<void> {
  for (let i = 0; i < 100 && !gates.has(id); i++) await new Promise((r) => setTimeout(r, 5));
  gates.get(id)?.();
}

beforeAll(async () => {
  endpoint = await startSfnEndpoint({
    machines: {
      slow: createStateMachineFromAsl(
        { definition: ASL, steps: STEPS },
        { handlers: { WorkFunctionArn: gated } },
      ),
      fail: createStateMachineFromAsl(
        { definition: ASL, steps: STEPS },
        { handlers: { WorkFunctionArn: failing } },
      ),
    },
  });
  sfn = new SFNClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  });
});
afterAll(async () => {
  sfn.destroy();
  await endpoint.close();
});
beforeEach(() => gates.clear());

describe('local Step Functions endpoint', () => {
  it('starts an execution named by its ID and describes it until it succeeds', async () => {
    // Prepare
    const input = JSON.stringify({ id: 'vid_a1' });

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SLOW, name: 'vid_a1', input }),
    );
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    await openGate('vid_a1');
    await endpoint.store.get(started.executionArn ?? '').done;
    const finished = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));

    // Assess
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:slow:vid_a1');
    expect(started.startDate).toBeInstanceOf(Date);
    expect(running).toMatchObject({ status: 'RUNNING', name: 'vid_a1', input, stateMachineArn: SLOW });
    expect(running.stopDate).toBeUndefined();
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output ?? '')).toEqual({ id: 'vid_a1', result: { ok: true } });
    expect(finished.stopDate?.getTime()).toBeGreaterThanOrEqual(finished.startDate?.getTime() ?? Infinity);
  });

  it('returns the running execution for the same name and input, and ExecutionAlreadyExists otherwise', async () => {
    // Prepare
    const input = JSON.stringify({ id: 'vid_dup' });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SLOW, name: 'vid_dup', input }),
    );

    // Act
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SLOW, name: 'vid_dup', input }),
    );
    const otherInput = sfn.send(
      new StartExecutionCommand({
        stateMachineArn: SLOW,
        name: 'vid_dup',
        input: JSON.stringify({ id: 'x' }),
      }),
    );
    await openGate('vid_dup');
    await endpoint.store.get(first.executionArn ?? '').done;
    const afterClose = sfn.send(new StartExecutionCommand({ stateMachineArn: SLOW, name: 'vid_dup', input }));

    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    await expect(otherInput).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(afterClose).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('stops a running execution as ABORTED with the given error and cause', async () => {
    // Prepare
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: SLOW,
        name: 'vid_stop',
        input: JSON.stringify({ id: 'vid_stop' }),
      }),
    );

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn, error: 'Cancelled', cause: 'by user' }),
    );
    await openGate('vid_stop');
    await endpoint.store.get(started.executionArn ?? '').done;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by user' });
    expect(described.output).toBeUndefined();
  });

  it('reports a failed step with its error name and cause', async () => {
    // Prepare
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: FAIL, name: 'vid_bad', input: '{}' }),
    );

    // Act
    await endpoint.store.get(started.executionArn ?? '').done;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));

    // Assess
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('Upstream.Rejected');
    expect(parseStepFailure(described.error, described.cause)).toMatchObject({ code: 'InvalidParameter' });
  });

  it('lists executions newest first with a status filter and pages', async () => {
    // Prepare
    for (const id of ['l1', 'l2', 'l3'])
      await sfn.send(new StartExecutionCommand({ stateMachineArn: FAIL, name: `list_${id}`, input: '{}' }));
    await Promise.all(
      ['l1', 'l2', 'l3'].map((id) => endpoint.store.get(executionArn('fail', `list_${id}`)).done),
    );

    // Act
    const first = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: FAIL, statusFilter: 'FAILED', maxResults: 2 }),
    );
    const second = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: FAIL,
        statusFilter: 'FAILED',
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: FAIL, statusFilter: 'RUNNING' }),
    );

    // Assess
    expect(first.executions?.map((e) => e.name)).toEqual(['list_l3', 'list_l2']);
    expect(first.nextToken).toBeDefined();
    expect(second.executions?.map((e) => e.name)).toContain('list_l1');
    expect(second.executions?.every((e) => e.status === 'FAILED' && e.startDate instanceof Date)).toBe(true);
    expect(running.executions).toEqual([]);
  });

  it('gives the history with entered-state events, newest first on request', async () => {
    // Prepare
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: SLOW,
        name: 'vid_hist',
        input: JSON.stringify({ id: 'vid_hist' }),
      }),
    );
    await openGate('vid_hist');
    await endpoint.store.get(started.executionArn ?? '').done;

    // Act
    const history = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true }),
    );

    // Assess
    const types = history.events?.map((e) => e.type);
    expect(types?.[0]).toBe('ExecutionSucceeded');
    expect(types).toContain('TaskStateEntered');
    expect(types?.at(-1)).toBe('ExecutionStarted');
    const entered = history.events?.find((e) => e.type === 'TaskStateEntered');
    expect(entered?.stateEnteredEventDetails?.name).toBe('Work');
    expect(entered?.timestamp).toBeInstanceOf(Date);
  });

  it('rejects names Step Functions would refuse', async () => {
    // Prepare
    const names = ['has space', 'a/b', 'x'.repeat(81)];

    // Act
    const attempts = names.map((name) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: FAIL, name })),
    );

    // Assess
    for (const a of attempts) await expect(a).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('answers unknown machines and executions with the AWS error codes', async () => {
    // Prepare
    const missingMachine = stateMachineArn('nope');

    // Act
    const start = sfn.send(new StartExecutionCommand({ stateMachineArn: missingMachine, name: 'x' }));
    const describeMissing = sfn.send(
      new DescribeExecutionCommand({
        executionArn: 'arn:aws:states:us-east-1:000000000000:execution:slow:none',
      }),
    );

    // Assess
    await expect(start).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(describeMissing).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});
