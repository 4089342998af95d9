// Business metrics as CloudWatch EMF lines, captured from the real step handlers of a video run
// (aws-local-stepfunctions running the ASL, the upstream simulator, s3rver and dynalite on loopback):
// the outcome and model of the video, the bytes saved, the notice delay, upstream calls, and a
// CreateTask throttle the simulator answers with upstream's own code.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { METRICS, METRICS_SERVICE } from '../../functions/core/metrics/catalogue';
import { setMetricsSink } from '../../functions/shared/metrics';
import { resetS3Client } from '../../functions/shared/s3';
import { resetStepRuntime } from '../../functions/shared/video-step';
import { runLocal } from '../../local/sfn/runner';
import { MODEL, SIM_DEFAULTS, STEP_SCALE, startVideoRig, videoInput, type VideoRig } from './video-support';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

let rig: VideoRig;
const lines: string[] = [];
const NAMESPACE = 'Seedance/MetricsTest';

beforeAll(async () => {
  rig = await startVideoRig();
  process.env.POWERTOOLS_METRICS_NAMESPACE = NAMESPACE;
  setMetricsSink((line) => lines.push(line));
});
afterAll(async () => {
  setMetricsSink(undefined);
  delete process.env.POWERTOOLS_METRICS_NAMESPACE;
  await rig?.close();
});
beforeEach(() => {
  lines.length = 0;
  rig.sim.control.clearFaults();
  rig.sim.control.update(SIM_DEFAULTS);
  resetStepRuntime();
  resetS3Client();
});

/** The EMF documents that carry metric `name`, each checked to be a well-formed EMF line. */
function pointsOf(name: string): Emf[] {
  return lines
    .map((l) => JSON.parse(l) as Emf)
    .filter((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name));
}

describe('business metrics of a video run', () => {
  it('writes the outcome by model, the bytes saved and the notice delay as EMF lines', async () => {
    // Prepare
    rig.sim.control.update({ videoBytes: 200_000 });
    const input = videoInput();
    // Act
    const r = await runLocal('video', input, { timeScale: STEP_SCALE, executionName: input.videoId });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    const [videos, ...moreVideos] = pointsOf(METRICS.videos.name);
    expect(moreVideos).toHaveLength(0);
    expect(videos).toMatchObject({ outcome: 'succeeded', model: MODEL, service: METRICS_SERVICE, Videos: 1 });
    const directive = videos!._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(NAMESPACE);
    expect(directive.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'outcome', 'model']));
    expect(directive.Metrics).toEqual([{ Name: 'Videos', Unit: 'Count' }]);
    const bytes = pointsOf(METRICS.bytesSaved.name);
    expect(bytes.map((b) => [b.kind, b.BytesSaved])).toEqual([['video', 200_000]]);
    const [delay] = pointsOf(METRICS.noticeDelay.name);
    expect(delay?.NoticeDelay).toBeGreaterThanOrEqual(0);
    const calls = pointsOf(METRICS.upstreamCalls.name).map((c) => c.operation);
    expect(calls).toEqual(expect.arrayContaining(['CreateTask', 'GetTask']));
    expect(pointsOf(METRICS.upstreamThrottles.name)).toHaveLength(0);
  });

  it('counts a throttled CreateTask by operation, and the run still succeeds on the retry', async () => {
    // Prepare
    rig.sim.control.setFaults([
      { action: 'CreateTask', rate: 1, count: 1, kind: 'error', status: 429, code: 'RateLimitExceeded' },
    ]);
    const input = videoInput();
    // Act
    const r = await runLocal('video', input, { timeScale: STEP_SCALE, executionName: input.videoId });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    const throttles = pointsOf(METRICS.upstreamThrottles.name);
    expect(throttles.map((t) => [t.operation, t.UpstreamThrottles])).toEqual([['CreateTask', 1]]);
    const creates = pointsOf(METRICS.upstreamCalls.name).filter((c) => c.operation === 'CreateTask');
    expect(creates.length).toBeGreaterThanOrEqual(2);
  });
});
