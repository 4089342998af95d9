import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { readFileSync } from 'node:fs';
import {
  AMBIGUOUS_ERRORS,
  RUNTIME_ERRORS,
  STEP_ERRORS,
  StepError,
  asStepError,
  parseStepFailure,
} from '../../functions/core/step-errors';

const PRESIGNED =
  'https://b.s3.amazonaws.com/incoming/g/u.png?X-Amz-Signature=abc123&X-Amz-Security-Token=tok';

describe('StepError', () => {
  it('carries code, message and details as JSON the API can parse back', () => {
    // Act
    const e = new StepError('AssetFailed', 'FormatUnsupported', 'not an image', { assetId: 'asset-1' });
    const parsed = parseStepFailure(e.name, JSON.stringify({ errorType: e.name, errorMessage: e.message }));
    // Assess
    expect(parsed).toMatchObject({
      error: 'AssetFailed',
      code: 'FormatUnsupported',
      message: 'not an image',
      assetId: 'asset-1',
    });
  });

  it('scrubs a presigned URL that upstream echoed in its failure message', () => {
    // Act
    const e = new StepError('AssetFailed', 'DownloadFailed', `could not download ${PRESIGNED}`);
    // Assess
    expect(e.message).not.toMatch(/X-Amz-Signature|abc123|tok/);
    expect(e.message).toContain('https://b.s3.amazonaws.com/incoming/g/u.png?[redacted]');
  });

  it.each([
    ['FlowLimitExceeded', 429, 'Upstream.Throttled'],
    ['InternalError', 500, 'Upstream.Transient'],
    ['Timeout', 0, 'Upstream.Transient'],
    ['InvalidParameter', 400, 'Upstream.Rejected'],
  ])('names an upstream %s (HTTP %i) %s for Retry/Catch', (code, status, name) => {
    // Act
    const e = asStepError(new UpstreamError({ service: 'volcengine', code, status, message: 'm' }));
    // Assess
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).name).toBe(name);
  });

  it('lets other errors through unchanged', () => {
    const e = new Error('boom');
    expect(asStepError(e)).toBe(e);
  });

  it('shows only the message of a non-StepError Lambda failure, never its stack trace', () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'AccessDenied',
      errorMessage: `Access Denied for ${PRESIGNED}`,
      trace: ['AccessDenied: Access Denied', '    at /var/task/index.mjs:1:2345'],
    });
    // Act
    const f = parseStepFailure('AccessDenied', cause);
    // Assess
    expect(f).toEqual({
      error: 'AccessDenied',
      code: 'AccessDenied',
      message: 'Access Denied for https://b.s3.amazonaws.com/incoming/g/u.png?[redacted]',
    });
  });

  it('scrubs a plain-text cause from a Fail state', () => {
    expect(parseStepFailure('VideoFailed', `failed at ${PRESIGNED}`).message).not.toMatch(/abc123/);
  });
});

describe('the step-error catalogue', () => {
  interface AslState {
    Type: string;
    Error?: string;
    Retry?: Array<{ ErrorEquals: string[] }>;
    Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  }
  const read = (file: string) =>
    (
      JSON.parse(readFileSync(new URL(`../../statemachines/${file}`, import.meta.url), 'utf8')) as {
        States: Record<string, AslState>;
      }
    ).States;
  const machines = { ingest: read('asset-ingest.asl.json'), video: read('video-generation.asl.json') };

  it('holds every ErrorEquals and Fail Error name of both ASL files', () => {
    // Prepare
    const known = new Set<string>([...Object.values(STEP_ERRORS), ...RUNTIME_ERRORS]);
    // Act
    const used = new Set<string>();
    for (const states of Object.values(machines))
      for (const st of Object.values(states)) {
        for (const r of [...(st.Retry ?? []), ...(st.Catch ?? [])]) r.ErrorEquals.forEach((n) => used.add(n));
        if (st.Type === 'Fail' && st.Error) used.add(st.Error);
      }
    // Assess
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
  });

  it.each([
    ['ingest', 'CreateAsset'],
    ['video', 'CreateTask'],
  ] as const)('sends every ambiguous failure of %s %s to a lookup, never a blind retry', (machine, state) => {
    // Prepare
    const st = machines[machine][state] as AslState;
    // Act
    const caught = st.Catch?.find((c) => c.ErrorEquals.includes(STEP_ERRORS.upstreamTransient));
    const retried = (st.Retry ?? []).flatMap((r) => r.ErrorEquals);
    // Assess
    expect(caught?.ErrorEquals).toEqual(expect.arrayContaining([...AMBIGUOUS_ERRORS]));
    expect(retried.filter((n) => AMBIGUOUS_ERRORS.includes(n))).toEqual([]);
  });

  it('lets the recovery (which looks before it creates) retry or re-settle on every ambiguous failure', () => {
    // Prepare
    const st = machines.ingest.RecoverCreateAsset as AslState;
    // Act
    const retried = new Set((st.Retry ?? []).flatMap((r) => r.ErrorEquals));
    const resettled = new Set(st.Catch?.find((c) => c.Next === 'CountRecovery')?.ErrorEquals ?? []);
    // Assess
    expect(AMBIGUOUS_ERRORS.filter((n) => !retried.has(n) && !resettled.has(n))).toEqual([]);
    expect(resettled.has('Lambda.Unknown')).toBe(true);
  });
});
