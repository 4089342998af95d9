// DELETE /videos/{videoId} when the video's record holds no task ID: the stop may have raced a
// CreateTask in flight, so the handler looks for the task the way FindTask does and cancels it while it
// is queued. The record is on dynalite, Step Functions is mocked (stops only), upstream is the simulator. The
// in-flight retry of the lookup is also checked directly on cancelUpstreamTask with a fake task API, so
// no case depends on timing.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StopExecutionCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateTaskInput, ListTasksQuery, VideoTask } from '../../functions/core/ark';
import { VideoClient } from '../../functions/core/ark';
import { UpstreamError } from '../../functions/core/errors';
import { cancelUpstreamTask, seedFor, type TaskApi } from '../../functions/core/video';
import { logger } from '../../functions/shared/logger';
import { newVideoRecord } from '../../functions/core/records';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { resetAwsClients } from '../../functions/shared/lazy-client';
import { startTestTable, type TestTable } from '../support/state-table';
import {
  DEFAULT_TASK_RATE_LIMITS,
  SIM_DEFAULT_CREDENTIALS,
  startSimulator,
  type Simulator,
} from '../../local/upstream-sim';
import { apiEvent, lambdaContext, parseResult } from './api-event';

const SM_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Video';
const MODEL = 'doubao-seedance-2-0-260128';
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const logLines: string[] = [];

let sim: Simulator;
let upstream: VideoClient;

interface FakeExecution {
  status: ExecutionStatus;
  error?: string;
  cause?: string;
}
let executions: Map<string, FakeExecution>;
let table: TestTable;

const nameOf = (arn: string) => arn.split(':').pop() ?? '';

function fakeStepFunctions(): void {
  sfn.reset();
  sfn.on(StopExecutionCommand).callsFake((i: { executionArn: string; error: string; cause: string }) => {
    const e = executions.get(nameOf(i.executionArn));
    if (e) Object.assign(e, { status: 'ABORTED', error: i.error, cause: i.cause });
    return { stopDate: new Date() };
  });
}

/** What POST /videos puts in the execution input: the request CreateTask sends, with our seed. */
function requestFor(videoId: string): CreateTaskInput {
  return { model: MODEL, content: [{ type: 'text', text: `a cat, ${videoId}` }], seed: seedFor(videoId) };
}

/** A video whose record is queued without a task ID (CreateTask or FindTask may be in flight). */
async function runningExecution(videoId: string): Promise<void> {
  await new DynamoRecordStore(table.table).create(
    newVideoRecord({
      videoId,
      fingerprint: 'f',
      requestedAt: new Date(Date.now() - 1000).toISOString(),
      model: MODEL,
      groupIds: [],
      taskLookup: { model: MODEL, seed: seedFor(videoId), seedIsOurs: true },
    }),
    86_400,
  );
  executions.set(videoId, { status: 'RUNNING' });
}

async function del(videoId: string) {
  const { handler } = await import('../../functions/api/cancel-video');
  const event = apiEvent({ method: 'DELETE', path: `/videos/${videoId}`, pathParameters: { videoId } });
  return parseResult(await handler(event, lambdaContext()));
}

const simStatus = (id: string) =>
  (sim.control.tasks().find((t) => t.id === id) as { status: string } | undefined)?.status;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    quiet: true,
    taskQueuedMs: 10_000_000,
    tier: 'basic',
    taskAccount: 'personal',
  });
  upstream = new VideoClient({ baseUrl: `${sim.url}/seedance`, apiToken: SIM_DEFAULT_CREDENTIALS.apiToken });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDCANCELTEST',
    AWS_SECRET_ACCESS_KEY: 'cancel-test-secret-key',
    VOLC_ENDPOINT: sim.url,
    SEEDANCE_API_BASE: `${sim.url}/seedance`,
    CREDENTIALS_SECRET_ID: 'seedance/test',
    VIDEO_STATE_MACHINE_ARN: SM_ARN,
    UPSTREAM_TIMEOUT_MS: '3000',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.TIME_SCALE;
  resetAwsClients();
  table = await startTestTable();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SIM_DEFAULT_CREDENTIALS) });
  logger.setSink((l) => logLines.push(l));
});

afterAll(async () => {
  await table?.stop();
  secrets.restore();
  sfn.restore();
  await sim?.close();
});

beforeEach(() => {
  executions = new Map();
  fakeStepFunctions();
  // Fresh task-API rate buckets per test (the real ListTasks 1 QPS still applies within each test):
  // tests run back to back faster than a real caller's one cancel at a time.
  sim.control.update({
    taskQueuedMs: 10_000_000,
    taskRunningMs: 10_000_000,
    taskRateLimits: { ...DEFAULT_TASK_RATE_LIMITS },
  });
  sim.control.resetCounters();
  sim.control.clearFaults();
});

describe('DELETE /videos/{videoId} without a task ID in the record', () => {
  it('finds the task CreateTask made by model, seed and time, and cancels it while queued', async () => {
    // Prepare
    const id = 'vid-000000000000000000000race1';
    await runningExecution(id);
    const other = await upstream.createTask(requestFor('vid-someone-else'));
    const ours = await upstream.createTask(requestFor(id));
    // Act
    const res = await del(id);
    // Assess
    expect(res).toMatchObject({
      status: 202,
      body: {
        videoId: id,
        status: 'cancelled',
        upstream: {
          outcome: 'cancelled',
          cancelled: true,
          taskId: ours.id,
          foundBy: 'lookup',
          message: 'The queued upstream task was cancelled',
        },
      },
    });
    expect(simStatus(ours.id)).toBe('cancelled');
    expect(simStatus(other.id)).toBe('queued');
    expect(executions.get(id)?.status).toBe('ABORTED');
  });

  it('waits for a CreateTask still in flight when the stop came, then cancels its task', async () => {
    // Prepare
    const id = 'vid-000000000000000000000race2';
    await runningExecution(id);
    sim.control.setFaults([{ action: 'CreateTask', rate: 1, count: 1, kind: 'latency', latencyMs: 300 }]);
    const creating = upstream.createTask(requestFor(id));
    // Act
    const res = await del(id);
    const created = await creating;
    // Assess
    expect(res.body).toMatchObject({
      upstream: { outcome: 'cancelled', taskId: created.id, foundBy: 'lookup' },
    });
    expect(simStatus(created.id)).toBe('cancelled');
    expect(sim.control.counters().ListTasks?.calls).toBeGreaterThan(1);
  });

  it('says a task found running cannot be cancelled and leaves it', async () => {
    // Prepare
    const id = 'vid-000000000000000000000race3';
    await runningExecution(id);
    sim.control.update({ taskQueuedMs: 0 });
    const ours = await upstream.createTask(requestFor(id));
    // Act
    const res = await del(id);
    // Assess
    expect(res.body).toMatchObject({
      upstream: {
        outcome: 'not_cancellable',
        cancelled: false,
        taskId: ours.id,
        taskStatus: 'running',
        message:
          'The upstream task is running; only queued tasks can be cancelled, so it may still be billed',
      },
    });
    expect(simStatus(ours.id)).toBe('running');
  });

  it('says no task was created when none matches, and cancels no one else’s', async () => {
    // Prepare
    const id = 'vid-000000000000000000000race4';
    await runningExecution(id);
    const other = await upstream.createTask(requestFor('vid-another-one'));
    // Act
    const res = await del(id);
    // Assess
    expect(res).toMatchObject({
      status: 202,
      body: {
        status: 'cancelled',
        upstream: {
          outcome: 'not_found',
          cancelled: false,
          message:
            'No upstream task was found: the creation in progress when the video was stopped had not created one',
        },
      },
    });
    expect(simStatus(other.id)).toBe('queued');
    expect(sim.control.counters().ListTasks?.calls).toBe(4);
    expect(sim.control.counters().DeleteTask).toBeUndefined();
  });

  it('still answers 202 when the task list cannot be read, saying a task may still run', async () => {
    // Prepare
    const id = 'vid-000000000000000000000race5';
    await runningExecution(id);
    sim.control.setFaults([
      { action: 'ListTasks', rate: 1, kind: 'error', status: 403, code: 'AccessDenied' },
    ]);
    // Act
    const res = await del(id);
    // Assess
    expect(res).toMatchObject({
      status: 202,
      body: {
        status: 'cancelled',
        upstream: {
          outcome: 'unknown',
          cancelled: false,
          message: 'The upstream task could not be looked up (AccessDenied); one may still run and be billed',
        },
      },
    });
    expect(executions.get(id)?.status).toBe('ABORTED');
  });

  it('never logs the API token', () => {
    // Act
    const leaks = logLines.filter((l) => l.includes(SIM_DEFAULT_CREDENTIALS.apiToken));
    // Assess
    expect(logLines.some((l) => l.includes('"video cancelled"'))).toBe(true);
    expect(leaks).toEqual([]);
  });
});

describe('cancelUpstreamTask', () => {
  const request = requestFor('vid-fake');
  const since = new Date('2026-03-01T00:00:00Z');
  const task = (over: Partial<VideoTask>): VideoTask => ({
    id: 'cgt-1',
    model: MODEL,
    status: 'queued',
    rawStatus: 'queued',
    error: null,
    createdAt: since.getTime() / 1000 + 5,
    updatedAt: since.getTime() / 1000 + 5,
    seed: request.seed,
    ...over,
  });

  /** A task API whose list shows `appearsAfter` empty pages before the task. */
  function fakeApi(listed: VideoTask[], appearsAfter = 0) {
    const calls = { list: [] as ListTasksQuery[], cancelled: [] as string[] };
    const api: TaskApi = {
      getTask: (id) => Promise.resolve(task({ id })),
      listTasks: (q) => {
        calls.list.push(q);
        const items = calls.list.length > appearsAfter ? listed : [];
        return Promise.resolve({ total: items.length, items });
      },
      cancelTask: (id) => {
        calls.cancelled.push(id);
        return Promise.resolve();
      },
    };
    return { api, calls };
  }

  it('looks again after each pause while a creation is in flight', async () => {
    // Prepare
    const { api, calls } = fakeApi([task({ id: 'cgt-late' })], 2);
    const slept: number[] = [];
    // Act
    const out = await cancelUpstreamTask(api, {
      request,
      since,
      creationInFlight: true,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    // Assess
    expect(out).toMatchObject({ outcome: 'cancelled', taskId: 'cgt-late', foundBy: 'lookup' });
    expect(slept).toEqual([1000, 2000]);
    expect(calls.cancelled).toEqual(['cgt-late']);
    expect(calls.list[0]).toEqual({ pageNum: 1, pageSize: 100, model: MODEL });
  });

  it('gives up after the last pause and says the creation made no task', async () => {
    // Prepare
    const { api, calls } = fakeApi([]);
    // Act
    const out = await cancelUpstreamTask(api, {
      request,
      since,
      creationInFlight: true,
      sleep: () => Promise.resolve(),
    });
    // Assess
    expect(out).toMatchObject({ outcome: 'not_found', cancelled: false });
    expect(out.message).toMatch(/^No upstream task was found/);
    expect(calls.list).toHaveLength(4);
  });

  it('cancels nothing when recent look-alike tasks echo no seed', async () => {
    // Prepare
    const { api, calls } = fakeApi([task({ id: 'cgt-noseed', seed: undefined })]);
    // Act
    const out = await cancelUpstreamTask(api, { request, since });
    // Assess
    expect(out).toMatchObject({ outcome: 'unknown', cancelled: false });
    expect(out.message).toContain('1 recent task(s) that could be ours carry no seed');
    expect(calls.cancelled).toEqual([]);
  });

  it('reports a task that started between the read and the cancel as not cancellable', async () => {
    // Prepare
    let reads = 0;
    const api: TaskApi = {
      getTask: (id) =>
        Promise.resolve(reads++ === 0 ? task({ id }) : task({ id, status: 'running', rawStatus: 'running' })),
      listTasks: () => Promise.resolve({ total: 0, items: [] }),
      cancelTask: () =>
        Promise.reject(
          new UpstreamError({
            service: 'ark',
            code: 'TaskNotCancellable',
            status: 409,
            message: 'running',
            operation: 'CancelTask',
          }),
        ),
    };
    // Act
    const out = await cancelUpstreamTask(api, { taskId: 'cgt-9' });
    // Assess
    expect(out).toMatchObject({ outcome: 'not_cancellable', taskId: 'cgt-9', taskStatus: 'running' });
  });

  it('does not look anything up without the request to match', async () => {
    // Prepare
    const { api, calls } = fakeApi([task({})]);
    // Act
    const out = await cancelUpstreamTask(api, { since });
    // Assess
    expect(out).toMatchObject({ outcome: 'unknown', cancelled: false });
    expect(calls.list).toEqual([]);
  });
});
