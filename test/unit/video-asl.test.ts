// The video ASL file against the contract the code relies on: JSONPath only, every Task a video step of
// lib/workflows.ts, the state names the API reads, bounded jittered retries, and Fail states with causes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKSTOP_ALLOWANCE_SECONDS, VIDEO_ERRORS, VIDEO_STATES } from '../../functions/core/video';
import { definitionText, workflow } from '../../lib/workflows';

interface State {
  Type: string;
  Resource?: string;
  Parameters?: unknown;
  Retry?: Array<{
    ErrorEquals: string[];
    MaxAttempts?: number;
    JitterStrategy?: string;
    MaxDelaySeconds?: number;
  }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  TimestampPath?: string;
  Error?: string;
  CausePath?: string;
  Next?: string;
}
const video = workflow('video');
const text = readFileSync(video.definitionFile, 'utf8');
const asl = JSON.parse(text) as { QueryLanguage?: string; StartAt: string; States: Record<string, State> };
const states = Object.entries(asl.States);

describe('statemachines/video-generation.asl.json', () => {
  it('is JSONPath only (the local engine has no JSONata)', () => {
    // Assess
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toContain('{%');
    expect(text).not.toMatch(/"(Arguments|Output|Assign)"/);
  });

  it('calls exactly the video steps of lib/workflows.ts, each through its placeholder', () => {
    // Act
    // A callback task (.waitForTaskToken) names its function in Parameters.FunctionName.
    const resources = new Set(
      states
        .filter(([, s]) => s.Type === 'Task')
        .map(([, s]) =>
          s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken'
            ? (s.Parameters as { FunctionName?: string } | undefined)?.FunctionName
            : s.Resource,
        ),
    );
    // Assess
    expect([...resources].sort()).toEqual(video.steps.map((s) => `\${${s.substitution}}`).sort());
  });

  it('has every state the API interprets', () => {
    // Assess
    for (const name of Object.values(VIDEO_STATES)) expect(asl.States[name], name).toBeDefined();
    expect(asl.StartAt).toBe('JoinTaskQueue');
    expect(asl.States.JoinTaskQueue?.Next).toBe(VIDEO_STATES.createTask);
  });

  it("waits for the task budget in a Wait loop on the step's own estimate, never a Retry that burns attempts", () => {
    // Prepare
    const has = asl.States.HasTaskBudget as State & {
      Choices?: Array<{ Variable: string; IsPresent?: boolean; Next: string }>;
      Default?: string;
    };
    // Assess
    expect(asl.States[VIDEO_STATES.createTask]?.Next).toBe('HasTaskBudget');
    expect(has.Choices).toEqual([{ Variable: '$.job.queued', IsPresent: true, Next: 'HoldTaskQueuePlace' }]);
    expect(has.Default).toBe(VIDEO_STATES.waitForTask);
    expect(asl.States.HoldTaskQueuePlace).toMatchObject({
      Type: 'Pass',
      InputPath: '$.job.budget',
      ResultPath: '$.budget',
      Next: VIDEO_STATES.waitForTaskBudget,
    });
    expect(asl.States[VIDEO_STATES.waitForTaskBudget]).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.budget.waitUntil',
      Next: VIDEO_STATES.createTask,
    });
    // The lookup after an ambiguous create goes back through CreateTask with the same places.
    expect((asl.States['TaskFound?'] as { Default?: string }).Default).toBe(VIDEO_STATES.createTask);
  });

  it('waits for the callback token at most until the next poll the schedule computed, then polls', () => {
    // Assess
    expect(asl.States[VIDEO_STATES.waitForTask]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', 'job.$': '$.job' } },
      TimeoutSecondsPath: '$.job.poll.waitSeconds',
      ResultPath: '$.job',
      Next: VIDEO_STATES.taskStatus,
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: VIDEO_STATES.pollTask },
        { ErrorEquals: ['States.ALL'], Next: VIDEO_STATES.pollTask },
      ],
    });
  });

  it('retries upstream throttling and faults with full jitter, a bounded number of times', () => {
    // Act
    const upstreamRetriers = states.flatMap(([, s]) =>
      (s.Retry ?? []).filter((r) => r.ErrorEquals.some((e) => e.startsWith('Upstream.'))),
    );
    // Assess
    expect(upstreamRetriers.length).toBeGreaterThanOrEqual(4);
    for (const r of upstreamRetriers) {
      expect(r.JitterStrategy).toBe('FULL');
      expect(r.MaxAttempts).toBeGreaterThan(0);
      expect(r.MaxAttempts).toBeLessThanOrEqual(8);
    }
  });

  it('re-runs a SaveVideo that timed out or crashed: the link is still valid and the save is idempotent', () => {
    // Prepare
    const retry = asl.States.SaveVideo?.Retry?.find((r) => r.ErrorEquals.includes('Sandbox.Timedout'));
    // Assess
    expect(retry?.ErrorEquals).toEqual(expect.arrayContaining(['States.Timeout', 'Lambda.Unknown']));
    expect(retry?.MaxAttempts).toBeGreaterThan(0);
    expect(retry?.MaxAttempts).toBeLessThanOrEqual(3);
  });

  it('never retries CreateTask on an ambiguous failure: it looks for the task first', () => {
    // Act
    const create = asl.States[VIDEO_STATES.createTask] as State;
    const retried = (create.Retry ?? []).flatMap((r) => r.ErrorEquals);
    const caught = create.Catch?.find((c) => c.ErrorEquals.includes('Upstream.Transient'));
    // Assess
    expect(retried).not.toContain('Upstream.Transient');
    expect(retried).not.toContain('States.ALL');
    expect(caught?.Next).toBe('SettleBeforeLookup');
    expect(asl.States.SettleBeforeLookup?.Next).toBe(VIDEO_STATES.findTask);
  });

  it('ends failures in Fail states named for the API, carrying a cause', () => {
    // Assess
    for (const error of [
      VIDEO_ERRORS.failed,
      VIDEO_ERRORS.expired,
      VIDEO_ERRORS.cancelled,
      VIDEO_ERRORS.timedOut,
    ]) {
      const fail = states.find(([, s]) => s.Type === 'Fail' && s.Error === error);
      expect(fail, error).toBeDefined();
      expect(fail?.[1].CausePath).toMatch(/^\$\./);
    }
  });
});

describe('the video execution backstop', () => {
  it('is put in by the loaders from the deadline setting; the ASL file carries none', () => {
    // Prepare
    const file = readFileSync(
      new URL('../../statemachines/video-generation.asl.json', import.meta.url),
      'utf8',
    );
    // Act
    const short = JSON.parse(
      definitionText(workflow('video'), file, {
        videoDeadlineSeconds: 600,
        queueMaxWaitSeconds: 86_400,
        videoExecutionExpiresAfterSeconds: 3600,
      }),
    ) as {
      TimeoutSeconds: number;
      StartAt: string;
    };
    const long = JSON.parse(
      definitionText(workflow('video'), file, {
        videoDeadlineSeconds: 86_400,
        queueMaxWaitSeconds: 3600,
        videoExecutionExpiresAfterSeconds: 172_800,
      }),
    ) as {
      TimeoutSeconds: number;
    };
    // Assess
    expect((JSON.parse(file) as { TimeoutSeconds?: number }).TimeoutSeconds).toBeUndefined();
    // Our queue's cap, then upstream's hold (queued and running, at least the deadline), then the allowance.
    expect(short).toMatchObject({
      TimeoutSeconds: 86_400 + 3600 + BACKSTOP_ALLOWANCE_SECONDS,
      StartAt: 'JoinTaskQueue',
    });
    expect(long.TimeoutSeconds).toBe(3600 + 172_800 + BACKSTOP_ALLOWANCE_SECONDS);
  });
});
