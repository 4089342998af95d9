// statemachines/video-generation.asl.json itself, run by aws-local-stepfunctions (local/sfn/runner.ts)
// with the real step handlers, against the upstream simulator and s3rver on loopback.
import { resetS3Client } from '../../functions/shared/s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStepFailure } from '../../functions/core/step-errors';
import { videoKeys, type VideoJobInput, type VideoResult } from '../../functions/core/video';
import { resetStepRuntime } from '../../functions/shared/video-step';
import { runLocal, type LocalRunResult } from '../../local/sfn/runner';
import { SIM_DEFAULT_CREDENTIALS } from '../../local/upstream-sim';
import {
  DEADLINE_SECONDS,
  SIM_DEFAULTS,
  STEP_SCALE,
  s3Object,
  sha256,
  simMedia,
  startVideoRig,
  videoInput,
  waitFor,
  type VideoRig,
} from './video-support';

let rig: VideoRig;

beforeAll(async () => {
  rig = await startVideoRig();
});

afterAll(async () => {
  await rig?.close();
});

beforeEach(() => {
  rig.sim.control.clearFaults();
  rig.sim.control.forceTaskOutcome(null);
  rig.sim.control.update(SIM_DEFAULTS);
  rig.sim.control.resetCounters();
  rig.proxy.processingAnswers = 0;
  rig.proxy.dropCreateAnswers = 0;
  resetStepRuntime();
  resetS3Client();
});

function run(
  input: VideoJobInput,
  handlers?: NonNullable<Parameters<typeof runLocal>[2]>['handlers'],
): Promise<LocalRunResult> {
  return runLocal('video', input, { timeScale: STEP_SCALE, executionName: input.videoId, handlers });
}

const entered = (r: LocalRunResult) =>
  r.events.filter((e) => e.type === 'StateEntered').map((e) => (e as { state: { name: string } }).state.name);

const calls = (action: string) => rig.sim.control.counters()[action]?.calls ?? 0;

/** The simulator's tasks for this job: our seed is derived from the video ID, so it tells them apart. */
const tasksOf = (input: VideoJobInput) =>
  rig.sim.control.tasks().filter((t) => (t as { seed?: number }).seed === input.request.seed);

/** Asserts the run failed with the state error `name`; returns the parsed cause for the details. */
function failedWith(r: LocalRunResult, name: string): ReturnType<typeof parseStepFailure> {
  expect(r.status).toBe('FAILED');
  expect(r.error).toBe(name);
  return parseStepFailure(r.error, r.cause);
}

describe('video generation workflow', () => {
  it('creates, polls and saves the video and last frame into S3, bytes equal to upstream', async () => {
    // Prepare
    rig.sim.control.update({ videoBytes: 300_000 });
    const input = videoInput({ returnLastFrame: true, ratio: '16:9', duration: 5 });
    // Act
    const r = await run(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    const out = r.output as VideoResult;
    const keys = videoKeys(input.videoId);
    expect(out).toMatchObject({
      videoId: input.videoId,
      video: { key: keys.video, bytes: 300_000, contentType: 'video/mp4' },
      lastFrame: { key: keys.lastFrame, contentType: 'image/png' },
      seed: input.request.seed,
      ratio: '16:9',
      duration: 5,
    });
    expect(out.usage?.totalTokens).toBeGreaterThan(0);
    const [saved, frame] = await Promise.all([
      s3Object(rig.s3, keys.video),
      s3Object(rig.s3, keys.lastFrame),
    ]);
    const [upVideo, upFrame] = await Promise.all([
      simMedia(rig.sim, out.taskId, 'video_url'),
      simMedia(rig.sim, out.taskId, 'last_frame_url'),
    ]);
    expect(saved.bytes.length).toBe(300_000);
    expect(sha256(saved.bytes)).toBe(sha256(upVideo));
    expect(sha256(frame.bytes)).toBe(sha256(upFrame));
    expect(saved.contentType).toBe('video/mp4');
    expect(calls('CreateTask')).toBe(1);
    expect(entered(r)).toEqual(
      expect.arrayContaining(['CreateTask', 'WaitForTask', 'PollTask', 'SaveVideo']),
    );
  });

  it('fails VideoFailed with the moderation code and message when upstream fails the task', async () => {
    // Prepare
    rig.sim.control.forceTaskOutcome({
      status: 'failed',
      code: 'OutputVideoSensitiveContentDetected',
      message: 'The output video may contain sensitive content.',
    });
    // Act
    const r = await run(videoInput());
    // Assess
    expect(failedWith(r, 'VideoFailed')).toMatchObject({
      code: 'OutputVideoSensitiveContentDetected',
      message: 'The output video may contain sensitive content.',
      taskStatus: 'failed',
    });
    expect(entered(r)).not.toContain('SaveVideo');
  });

  it('fails VideoExpired when upstream expires the task', async () => {
    // Prepare
    rig.sim.control.forceTaskOutcome({ status: 'expired' });
    // Act
    const r = await run(videoInput());
    // Assess
    expect(failedWith(r, 'VideoExpired')).toMatchObject({ code: 'TaskExpired', taskStatus: 'expired' });
  });

  it('keeps polling through a status it does not know and saves the video', async () => {
    // Prepare: long enough running for several polls to see the unknown status (each wait now also
    // stores its callback token, a few ms per cycle, so the window leaves room for that)
    rig.sim.control.update({ taskRunningMs: 600_000 });
    rig.proxy.processingAnswers = 3;
    // Act
    const r = await run(videoInput());
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(rig.proxy.processingAnswers).toBe(0);
    expect(calls('GetTask')).toBeGreaterThanOrEqual(4);
  });

  it('retries a throttled CreateTask in place, creating exactly one task', async () => {
    // Prepare
    rig.sim.control.setFaults([
      {
        action: 'CreateTask',
        rate: 1,
        count: 2,
        kind: 'error',
        status: 429,
        code: 'RateLimitExceeded.EndpointRPMExceeded',
      },
    ]);
    const input = videoInput();
    // Act
    const r = await run(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(calls('CreateTask')).toBe(3);
    expect(calls('ListTasks')).toBe(0);
    expect(tasksOf(input)).toHaveLength(1);
  });

  it('retries 5xx answers to GetTask and still saves the video', async () => {
    // Prepare
    rig.sim.control.setFaults([
      { action: 'GetTask', rate: 1, count: 2, kind: 'error', status: 500, code: 'InternalServiceError' },
    ]);
    // Act
    const r = await run(videoInput());
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(rig.sim.control.counters().GetTask?.faulted).toBe(2);
    expect(entered(r)).not.toContain('ReschedulePoll');
  });

  it('outlasts an outage longer than the poll retries by rescheduling the poll', async () => {
    // Prepare: 1 call + 4 retries fail, the rescheduled poll fails once more
    rig.sim.control.setFaults([
      { action: 'GetTask', rate: 1, count: 6, kind: 'error', status: 503, code: 'ServiceUnavailable' },
    ]);
    // Act
    const r = await run(videoInput());
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(entered(r)).toContain('ReschedulePoll');
  });

  it('finds the task of a CreateTask whose answer was lost instead of creating a second one', async () => {
    // Prepare
    rig.proxy.dropCreateAnswers = 1;
    const input = videoInput();
    // Act
    const r = await run(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(entered(r)).toEqual(expect.arrayContaining(['SettleBeforeLookup', 'FindTask']));
    expect(calls('CreateTask')).toBe(1);
    expect(calls('ListTasks')).toBeGreaterThanOrEqual(1);
    expect(tasksOf(input)).toHaveLength(1);
  });

  it('creates again after an ambiguous failure only when the lookup finds no task', async () => {
    // Prepare: the connection is reset before the simulator creates anything
    rig.sim.control.setFaults([{ action: 'CreateTask', rate: 1, count: 1, kind: 'reset' }]);
    const input = videoInput();
    // Act
    const r = await run(input);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(calls('ListTasks')).toBeGreaterThanOrEqual(1);
    expect(calls('CreateTask')).toBe(2);
    expect(tasksOf(input)).toHaveLength(1);
  });

  it('fails VideoCancelled when the queued task is cancelled upstream', async () => {
    // Prepare
    rig.sim.control.update({ taskQueuedMs: 10_000_000 });
    const input = videoInput();
    const running = run(input);
    const task = await waitFor(() => tasksOf(input)[0] as { id: string } | undefined);
    // Act
    const del = await fetch(`${rig.sim.url}/seedance/api/v3/contents/generations/tasks/${task.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${SIM_DEFAULT_CREDENTIALS.apiToken}` },
    });
    const r = await running;
    // Assess
    expect(del.status).toBe(200);
    expect(failedWith(r, 'VideoCancelled')).toMatchObject({ code: 'TaskCancelled', taskId: task.id });
  });

  it('never times out a task upstream keeps queued: past our deadline, upstream expires it at execution_expires_after', async () => {
    // Prepare: the task never leaves upstream's queue; upstream holds it 3600 s (7.2 s here), our
    // deadline is 300 s of work (3 s here)
    rig.sim.control.update({ taskQueuedMs: 10_000_000 });
    const input = videoInput();
    input.request.execution_expires_after = 3600;
    const started = Date.now();
    // Act
    const r = await run(input);
    // Assess
    expect(Date.now() - started).toBeGreaterThan(2 * DEADLINE_SECONDS * STEP_SCALE * 1000);
    expect(failedWith(r, 'VideoExpired')).toMatchObject({ taskStatus: 'expired' });
    expect(entered(r)).not.toContain('CancelOnDeadline');
  });

  it('fails TimedOut at the deadline and says a running task could not be cancelled', async () => {
    // Prepare
    rig.sim.control.update({ taskQueuedMs: 0, taskRunningMs: 10_000_000 });
    const input = videoInput();
    // Act
    const r = await run(input);
    // Assess
    expect(failedWith(r, 'TimedOut')).toMatchObject({
      code: 'TimedOut',
      upstreamCancelled: false,
      taskStatus: 'running',
    });
    expect(tasksOf(input)[0]).toMatchObject({ status: 'running' });
  });

  it('never logs the upstream links, the API token or any other URL with a query string', () => {
    // Act
    const leaks = rig.logLines.filter(
      (l) => l.includes(SIM_DEFAULT_CREDENTIALS.apiToken) || /https?:\/\/[^\s"]*\?(?!\[redacted\])/.test(l),
    );
    // Assess
    expect(rig.logLines.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });

  it('fails Upstream.Rejected with the upstream code when CreateTask is refused, without retrying', async () => {
    // Prepare
    const input = videoInput({ references: [{ assetId: 'asset-20260101000000-nopex' }] });
    // Act
    const r = await run(input);
    // Assess
    expect(failedWith(r, 'Upstream.Rejected').code).toBe('InvalidParameter');
    expect(calls('CreateTask')).toBe(1);
  });

  it('a CreateTask killed right after taking its running slot loses nothing: the slot comes back, one task each', async () => {
    // Prepare: 4 videos on 3 slots; each one's first CreateTask takes a slot and the create budget, then dies
    const { handler: createTask } = await import('../../functions/steps/video/create-task');
    const { acquireBudget, slotPoolOf } = await import('../../functions/core/governor');
    const { taskBudgets } = await import('../../functions/shared/task-budget');
    const { loadConfig } = await import('../../functions/core/config');
    const killed = new Set<string>();
    const killAfterGrant = async (state: unknown) => {
      const i = state as Parameters<typeof createTask>[0];
      if (!killed.has(i.videoId)) {
        const b = taskBudgets(loadConfig());
        const slots = b.slots(slotPoolOf(i.request.model, i.request.resolution));
        const got = await acquireBudget(b.store, slots, i.budget?.slot ?? {});
        if (got.granted) {
          killed.add(i.videoId);
          throw Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'Sandbox.Timedout' });
        }
        // Not its turn: answer as the step does, so the grant that comes later is the one that dies.
        const { place, position, estimatedStartAt, waitUntil } = got;
        return {
          queued: true,
          createAttempts: i.job?.createAttempts ?? 0,
          budget: { slot: place, waitUntil, queuePosition: position, estimatedStartAt },
        };
      }
      return createTask(i);
    };
    const inputs = Array.from({ length: 4 }, () => videoInput());
    // Act
    const results = await Promise.all(
      inputs.map((i) => run(i, { CreateVideoTaskFunctionArn: killAfterGrant })),
    );
    // Assess
    expect(killed.size).toBe(4);
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('SUCCEEDED'));
    for (const input of inputs) expect(tasksOf(input)).toHaveLength(1);
    expect(results.every((r) => entered(r).includes('FindTask'))).toBe(true);
  });
});
