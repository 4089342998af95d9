// Upstream callbacks on the local stack, time-scaled: the simulator POSTs each task's status to the
// signed callback_url, the public route re-fetches the task and wakes the waiting state
// (.waitForTaskToken) of the real video state machine. With callbacks off, the fallback polls finish
// every video. Forged callbacks are counted and change nothing. The real-pacing figures are
// bench/notice-delay.ts (BENCHMARKS.md).
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '../../cli/signing';
import { callbackSignature, callbackUrl } from '../../functions/core/callbacks';
import { executionArn } from '../../functions/core/video';
import { DynamoCallbackStore, DynamoRecordStore } from '../../functions/shared/dynamodb';
import { logger } from '../../functions/shared/logger';
import { measureNotice } from '../../bench/lib/notice';
import { LOCAL_CALLBACK_SECRET_ID, startLocalStack, type LocalStack } from '../../local/start';

const SCALE = 0.05;
const DEV = { accessKeyId: 'AKIDCALLBACKLOCAL', secretAccessKey: 'callback-local-secret' };
const logLevel = process.env.LOG_LEVEL;
const lines: string[] = [];
let stack: LocalStack;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'info';
  logger.setSink((l) => lines.push(l));
  stack = await startLocalStack({
    port: 0,
    timeScale: SCALE,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    cleanupIntervalSeconds: 0,
    // 30 s tasks (1.5 s at this scale), on an account that runs them all at once.
    simulator: { taskQueuedMs: 1_000, taskRunningMs: 30_000, videoBytes: 0, taskAccount: 'enterprise' },
  });
});
afterAll(async () => {
  await stack?.close();
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

const callbacks = () =>
  lines
    .map((l) => JSON.parse(l) as { message?: string; outcome?: string; videoId?: string })
    .filter((l) => l.message === 'task callback');
const outcomes = () => callbacks().map((l) => l.outcome);

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, stack.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function callbackKey(): Promise<string> {
  const res = await fetch(stack.secretsUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body: JSON.stringify({ SecretId: LOCAL_CALLBACK_SECRET_ID }),
  });
  return (JSON.parse(((await res.json()) as { SecretString: string }).SecretString) as { key: string }).key;
}

describe('upstream callbacks on the local stack', () => {
  it(
    'notices finished videos well under a second after upstream, with one GET per video',
    { timeout: 60_000 },
    async () => {
      // Act
      const f = await measureNotice(stack, { videos: 6, timeoutMs: 45_000 });
      // Assess: the fallback poll would come 60 s × 0.05 = 3 s after creation, the callback at once
      expect(f.succeeded).toBe(6);
      expect(f.medianDelayMs).toBeLessThan(1_000);
      expect(f.getsPerVideo).toBeLessThanOrEqual(1.5);
      expect(outcomes()).toContain('woken');
    },
  );

  it(
    'still finishes every video by the fallback poll when upstream sends no callback',
    { timeout: 60_000 },
    async () => {
      // Prepare
      stack.simulator?.control.update({ callbacks: false });
      try {
        // Act
        const f = await measureNotice(stack, { videos: 3, timeoutMs: 45_000 });
        // Assess: noticed only by a poll (60 s fallback × 0.05 = 3 s after creation)
        expect(f.succeeded).toBe(3);
        expect(f.medianDelayMs).toBeGreaterThan(500);
      } finally {
        stack.simulator?.control.update({ callbacks: true });
      }
    },
  );

  it('changes nothing for forged callbacks, and counts each one', { timeout: 60_000 }, async () => {
    // Prepare: a video whose task runs long, waiting in WaitForTask
    stack.simulator?.control.update({ taskRunningMs: 2_000_000 });
    const sign = createSigner({ credentials: DEV, region: 'us-east-1' });
    const url = new URL('/videos', stack.apiUrl);
    const body = JSON.stringify({ prompt: 'forgery target: a slow sunrise over hills' });
    const headers = { 'content-type': 'application/json' };
    const created = await fetch(url, {
      method: 'POST',
      headers: await sign({ method: 'POST', url, headers, body }),
      body,
    });
    const { videoId: victim } = (await created.json()) as { videoId: string };
    const { videoId: other } = (await (
      await fetch(url, { method: 'POST', headers: await sign({ method: 'POST', url, headers, body }), body })
    ).json()) as { videoId: string };
    const waits = new DynamoCallbackStore(stack.table);
    const records = new DynamoRecordStore(stack.table);
    let wait = await waits.get(victim);
    for (let i = 0; i < 200 && !wait; i++) {
      await new Promise((r) => setTimeout(r, 25));
      wait = await waits.get(victim);
    }
    if (!wait) throw new Error('the video never waited for its callback');
    const key = await callbackKey();
    const claim = {
      id: wait.taskId,
      status: 'succeeded',
      content: { video_url: 'https://evil.example/v.mp4' },
    };
    stack.simulator?.control.resetCounters();
    const before = callbacks().length;
    // Act
    const answers = [
      await post(`/callbacks/ark/${victim}?sig=not-a-signature`, claim),
      await post(`/callbacks/ark/${victim}`, claim),
      await post(`/callbacks/ark/${victim}?sig=${callbackSignature(key, other)}`, claim),
      await post(`/callbacks/ark/${victim}?sig=${callbackSignature('another key', victim)}`, claim),
      // The real URL, with a body claiming `succeeded` for a task that is running.
      await post(
        new URL(callbackUrl(stack.apiUrl, victim, key)).pathname +
          new URL(callbackUrl(stack.apiUrl, victim, key)).search,
        claim,
      ),
    ];
    // Assess: the same answer to all; four forged; the fifth looked (one GET) and found it running
    expect(answers.map((a) => [a.status, a.text])).toEqual(Array(5).fill([200, '{}']));
    // (the simulator's own callbacks may land meanwhile: for the two videos not-terminal, and late
    // ones for earlier tests' videos, which name their own video and may look their task up once)
    const seen = callbacks().slice(before);
    const mine = seen.filter(
      (c) => (c.videoId === undefined || c.videoId === victim) && c.outcome !== 'not-terminal',
    );
    const othersLooked = seen.filter(
      (c) =>
        c.videoId !== undefined &&
        c.videoId !== victim &&
        ['still-running', 'stale', 'woken'].includes(c.outcome ?? ''),
    ).length;
    expect(mine.map((c) => c.outcome)).toEqual(['forged', 'forged', 'forged', 'forged', 'still-running']);
    // (an earlier video's look may have been counted before the reset, and logged after it)
    const looks = stack.simulator?.control.counters().GetTask?.calls ?? 0;
    expect(looks).toBeGreaterThanOrEqual(1);
    expect(looks).toBeLessThanOrEqual(1 + othersLooked);
    expect((await records.get('video', victim))?.status).toMatch(/queued|running/);
    expect((await waits.get(victim))?.token).toBe(wait.token);
    const sfn = new SFNClient({});
    try {
      const d = await sfn.send(
        new DescribeExecutionCommand({
          executionArn: executionArn(process.env.VIDEO_STATE_MACHINE_ARN ?? '', victim),
        }),
      );
      expect(d.status).toBe('RUNNING');
    } finally {
      sfn.destroy();
    }
  });
});
