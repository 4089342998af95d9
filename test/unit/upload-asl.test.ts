import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VALIDATION_STATES } from '../../functions/core/uploads';
import { definitionText, workflow } from '../../lib/workflows';

interface State {
  Type: string;
  TimestampPath?: string;
  Resource?: string;
  Retry?: Array<{
    ErrorEquals: string[];
    JitterStrategy?: string;
    MaxDelaySeconds?: number;
    MaxAttempts?: number;
  }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Next?: string;
  Default?: string;
  Choices?: Array<{ Next: string }>;
}

const def = workflow('ingest');
const text = readFileSync(def.definitionFile, 'utf8');
const asl = JSON.parse(text) as { StartAt: string; States: Record<string, State>; QueryLanguage?: string };

describe('asset-ingest.asl.json', () => {
  it('is JSONPath only (the local engine has no JSONata)', () => {
    // Assess
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/\{%|"Arguments"|"Output"|"Assign"/);
  });

  it('calls exactly the steps lib/workflows.ts declares', () => {
    // Prepare
    const resources = new Set(Object.values(asl.States).flatMap((s) => (s.Resource ? [s.Resource] : [])));
    // Assess
    expect([...resources].sort()).toEqual(def.steps.map((s) => `\${${s.substitution}}`).sort());
  });

  it('retries upstream throttling and faults with bounded, fully jittered backoff on every upstream step', () => {
    // Prepare
    const upstreamTasks = Object.entries(asl.States).filter(([, s]) =>
      /CreateAsset|CheckAsset/.test(s.Resource ?? ''),
    );
    // Assess
    expect(upstreamTasks.length).toBe(3);
    for (const [name, s] of upstreamTasks) {
      const throttled = s.Retry?.find((r) => r.ErrorEquals.includes('Upstream.Throttled'));
      expect(throttled, name).toMatchObject({ JitterStrategy: 'FULL', MaxDelaySeconds: expect.any(Number) });
      expect(throttled?.MaxAttempts, name).toBeGreaterThan(0);
    }
    for (const s of Object.values(asl.States))
      for (const r of s.Retry ?? []) expect(r.JitterStrategy).toBe('FULL');
  });

  it('never retries CreateAsset blindly after an ambiguous failure', () => {
    // Prepare
    const create = asl.States.CreateAsset;
    // Assess
    expect(create?.Retry?.some((r) => r.ErrorEquals.includes('Upstream.Transient'))).toBe(false);
    expect(create?.Catch?.find((c) => c.ErrorEquals.includes('Upstream.Transient'))?.Next).toBe(
      'SettleBeforeLookup',
    );
    // A Lambda service fault may come after the function ran: the same lookup-first path.
    expect(create?.Retry?.some((r) => r.ErrorEquals.includes('Lambda.ServiceException'))).toBe(false);
    expect(create?.Catch?.find((c) => c.ErrorEquals.includes('Lambda.ServiceException'))?.Next).toBe(
      'SettleBeforeLookup',
    );
    expect(asl.States.SettleBeforeLookup?.Next).toBe('RecoverCreateAsset');
  });

  it('sends an ambiguous failure of the recovery back through the settle wait, a bounded number of times', () => {
    // Prepare
    const recover = asl.States.RecoverCreateAsset;
    const mayAgain = asl.States.MayRecoverAgain as State & {
      Choices: Array<{ Variable: string; NumericLessThan: number; Next: string }>;
    };
    // Assess: an immediate retry could look before a slow create lands and make a second asset
    expect(recover?.Retry?.some((r) => r.ErrorEquals.includes('Upstream.Transient'))).toBe(false);
    expect(recover?.Catch?.find((c) => c.ErrorEquals.includes('Upstream.Transient'))?.Next).toBe(
      'CountRecovery',
    );
    expect(asl.States.CountRecovery?.Next).toBe('MayRecoverAgain');
    expect(mayAgain.Choices[0]).toMatchObject({
      Variable: '$.attempts.recoveries',
      Next: 'SettleBeforeLookup',
    });
    expect(mayAgain.Choices[0]?.NumericLessThan).toBeGreaterThan(1);
    expect(mayAgain.Default).toBe('RecoveryExhausted');
    expect(asl.States.RecoveryExhausted?.Next).toBe('IngestFailed');
  });

  it('knows every state named in VALIDATION_STATES and reaches every state', () => {
    // Prepare
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      reachable.add(name);
      const s = asl.States[name];
      for (const next of [
        s?.Next,
        s?.Default,
        ...(s?.Choices ?? []).map((c) => c.Next),
        ...(s?.Catch ?? []).map((c) => c.Next),
      ])
        if (next) visit(next);
    };
    // Act
    visit(asl.StartAt);
    // Assess
    for (const v of VALIDATION_STATES) expect(Object.keys(asl.States)).toContain(v);
    expect([...reachable].sort()).toEqual(Object.keys(asl.States).sort());
  });
});

describe('the ingest execution backstop', () => {
  it('follows the wait cap: a job queued for its whole cap still has its 15 min of work and an hour', () => {
    // Act
    const day = JSON.parse(
      definitionText(def, text, { videoDeadlineSeconds: 3600, queueMaxWaitSeconds: 86_400 }),
    ) as {
      TimeoutSeconds: number;
    };
    const hour = JSON.parse(
      definitionText(def, text, { videoDeadlineSeconds: 3600, queueMaxWaitSeconds: 3600 }),
    ) as {
      TimeoutSeconds: number;
    };
    // Assess
    expect((JSON.parse(text) as { TimeoutSeconds?: number }).TimeoutSeconds).toBeUndefined();
    expect(day.TimeoutSeconds).toBe(86_400 + 900 + 3600);
    expect(hour.TimeoutSeconds).toBe(3600 + 900 + 3600);
  });

  it('sleeps for budget in a Wait (never a Retry) before each CreateAsset, and keeps the place in line', () => {
    // Assess
    for (const [task, choice, hold, wait] of [
      ['CreateAsset', 'HasAssetBudget', 'HoldAssetQueuePlace', 'WaitForAssetBudget'],
      ['RecoverCreateAsset', 'RecoverHasAssetBudget', 'HoldRecoverQueuePlace', 'WaitForRecoverBudget'],
    ] as const) {
      expect(asl.States[task]?.Next).toBe(choice);
      expect(asl.States[choice]?.Choices?.[0]?.Next).toBe(hold);
      expect(asl.States[hold]?.Next).toBe(wait);
      expect(asl.States[wait]).toMatchObject({
        Type: 'Wait',
        TimestampPath: '$.budget.waitUntil',
        Next: task,
      });
    }
  });
});
