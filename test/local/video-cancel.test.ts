// DELETE /videos/{videoId} end to end on the local stack: signed REST calls, the real handlers, the local
// Step Functions running the video state machine, and the simulator holding the task queued.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedCaller } from '../support/signed-call';
import { executionArn } from '../../functions/core/video';
import { startLocalStack, type LocalStack } from '../../local/start';

const DEV = { accessKeyId: 'AKIDCANCELLOCAL', secretAccessKey: 'cancel-local-secret' };
const logLevel = process.env.LOG_LEVEL;
let stack: LocalStack;

beforeAll(async () => {
  // The handlers run in this process: keep their per-request log lines out of the test output.
  process.env.LOG_LEVEL = 'warn';
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.01,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    cleanupIntervalSeconds: 0,
    // Scaled by the stack's time scale: still 100 s queued, far longer than the test.
    simulator: { taskQueuedMs: 10_000_000, tier: 'basic', taskAccount: 'personal' },
  });
});
afterAll(async () => {
  await stack?.close();
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

const signed = signedCaller(() => stack.apiUrl, DEV);

const arnOf = (videoId: string) => executionArn(process.env.VIDEO_STATE_MACHINE_ARN ?? '', videoId);

async function executionStatus(videoId: string): Promise<string | undefined> {
  const sfn = new SFNClient({});
  try {
    return (await sfn.send(new DescribeExecutionCommand({ executionArn: arnOf(videoId) }))).status;
  } finally {
    sfn.destroy();
  }
}

async function lastStateEntered(videoId: string): Promise<string | undefined> {
  const sfn = new SFNClient({});
  try {
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: arnOf(videoId), reverseOrder: true, maxResults: 20 }),
    );
    return events.find((e) => e.stateEnteredEventDetails)?.stateEnteredEventDetails?.name;
  } finally {
    sfn.destroy();
  }
}

type SimTask = { id: string; status: string };
const simTasks = () => (stack.simulator?.control.tasks() ?? []) as SimTask[];

describe('DELETE /videos/{videoId} on the local stack', () => {
  it('stops the execution and cancels the queued simulator task', { timeout: 30_000 }, async () => {
    // Prepare
    const created = await signed('POST', '/videos', { prompt: 'a lighthouse at dusk, slow pan' });
    const { videoId } = created.json as { videoId: string };
    // Bounded wait for CreateTask to reach the simulator; no timing is asserted.
    for (let i = 0; i < 1000 && simTasks().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const [queued] = simTasks();

    // Act
    const cancelled = await signed('DELETE', `/videos/${videoId}`);
    const status = await executionStatus(videoId);
    const after = await signed('GET', `/videos/${videoId}`);

    // Assess
    expect(created.status).toBe(202);
    expect(queued?.status).toBe('queued');
    expect(cancelled).toMatchObject({
      status: 202,
      json: {
        videoId,
        status: 'cancelled',
        upstream: { outcome: 'cancelled', cancelled: true, taskId: queued?.id },
      },
    });
    expect(status).toBe('ABORTED');
    expect(simTasks().find((t) => t.id === queued?.id)?.status).toBe('cancelled');
    expect(after).toMatchObject({ status: 200, json: { videoId, status: 'cancelled' } });
  });

  it(
    'cancels the task of a CreateTask still in flight when the execution stopped',
    { timeout: 30_000 },
    async () => {
      // Prepare
      // The simulator holds CreateTask before creating the task, so the stop lands while it is in flight.
      stack.simulator?.control.setFaults([
        { action: 'CreateTask', rate: 1, count: 1, kind: 'latency', latencyMs: 600 },
      ]);
      const before = new Set(simTasks().map((t) => t.id));
      const created = await signed('POST', '/videos', { prompt: 'a paper boat on a stream' });
      const { videoId } = created.json as { videoId: string };
      for (let i = 0; i < 1000 && (await lastStateEntered(videoId)) !== 'CreateTask'; i++)
        await new Promise((r) => setTimeout(r, 5));
      const tasksAtStop = simTasks().length;

      // Act
      const cancelled = await signed('DELETE', `/videos/${videoId}`);
      const status = await executionStatus(videoId);

      // Assess
      const ours = simTasks().filter((t) => !before.has(t.id));
      expect(tasksAtStop).toBe(before.size);
      expect(cancelled).toMatchObject({
        status: 202,
        json: { upstream: { outcome: 'cancelled', foundBy: 'lookup', taskId: ours[0]?.id } },
      });
      expect(ours).toEqual([expect.objectContaining({ status: 'cancelled' })]);
      expect(status).toBe('ABORTED');
    },
  );
});
