/**
 * Governor faults: ten uploads at once through the whole local stack against a basic account (3
 * CreateAsset per minute, clock scaled), then nine videos at once on a personal account (3 running
 * slots per model, Get task 20 per second), while the state table misbehaves for the governor's items —
 * DynamoDB throttling, conditional writes refused as if another writer won, and grants DynamoDB applied
 * whose answer never arrived (the slot is taken but its taker does not know it, as when a step dies
 * right after acquiring). No job may be lost or duplicated, nothing may be left running, and the
 * account's window, its running slots and its Get-task second must still hold.
 */
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetAwsClients } from '../../functions/shared/lazy-client';
import { stateMachineArn } from '../../local/sfn/executions';
import {
  duplicateAssets,
  openLoadStack,
  duplicateTasks,
  runUploadBatch,
  runVideoBatch,
  type LoadStack,
  type UploadBatch,
  type VideoBatch,
} from '../../bench/lib/load';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '../support/dynamo-fault-proxy';

const TIME_SCALE = 0.05; // the 60 s window lasts 3 s
const UPLOADS = 10;
const VIDEOS = 9;

let l: LoadStack;
let proxy: DynamoFaultProxy;
let batch: UploadBatch;
let videos: VideoBatch;
let videoFaults: DynamoFaultProxy['fired'];

beforeAll(async () => {
  l = await openLoadStack({
    timeScale: TIME_SCALE,
    // 30 s tasks (1.5 s here) on a personal account: 9 videos queue for 3 slots.
    simulator: {
      seed: 99,
      tier: 'basic',
      taskAccount: 'personal',
      taskQueuedMs: 2_000,
      taskRunningMs: 30_000,
      videoBytes: 0,
    },
  });
  proxy = await startDynamoFaultProxy(l.stack.dynamodbUrl, {
    throttleRate: 0.15,
    conflictRate: 0.15,
    lostAnswerRate: 0.15,
    atLeast: 1,
  });
  // The handlers run in this process and build their DynamoDB client from this variable.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
  resetAwsClients();
  const group = await l.client.createGroup({ name: 'governor-faults' });
  l.sim.control.resetCounters();
  batch = await runUploadBatch(l, group.groupId, UPLOADS, { deadlineMs: 120_000 });
  const before = { ...proxy.fired };
  const assetId = batch.outcomes.find((o) => o.status?.assetId)?.status?.assetId ?? 'no-asset';
  videos = await runVideoBatch(l, assetId, VIDEOS, { deadlineMs: 120_000 });
  videoFaults = {
    throttled: proxy.fired.throttled - before.throttled,
    conflicts: proxy.fired.conflicts - before.conflicts,
    lostAnswers: proxy.fired.lostAnswers - before.lostAnswers,
    budgetRequests: proxy.fired.budgetRequests - before.budgetRequests,
  };
}, 300_000);

afterAll(async () => {
  await l?.close();
  await proxy?.close();
});

describe('governor faults: the budget table throttles, conflicts and loses answers while 10 uploads queue', () => {
  it('injected every kind of table fault on the budget items', () => {
    // Assess
    expect(proxy.fired.throttled).toBeGreaterThan(0);
    expect(proxy.fired.conflicts).toBeGreaterThan(0);
    expect(proxy.fired.lostAnswers).toBeGreaterThan(0);
  });

  it('brings every upload to active, each with one asset', () => {
    // Assess
    const notActive = batch.outcomes.filter((o) => o.status?.status !== 'active');
    expect(notActive, JSON.stringify(notActive.slice(0, 3))).toEqual([]);
    expect(duplicateAssets(l.sim)).toEqual({ duplicates: 0, names: [] });
    expect(l.sim.control.assets()).toHaveLength(UPLOADS);
  });

  it('keeps the account inside its window: never more than 3 accepted CreateAsset in any 60 s', () => {
    // Assess
    const stats = l.sim.control.rateStats().CreateAsset;
    expect(stats?.maxAcceptedInWindow).toBeLessThanOrEqual(3);
    expect(stats?.accepted).toBe(UPLOADS);
  });

  it('leaves nothing running', async () => {
    // Prepare
    const sfn = new SFNClient({
      endpoint: l.stack.sfnUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
    // Act
    const running = await Promise.all(
      (['ingest', 'video'] as const).map((m) =>
        sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn(m), statusFilter: 'RUNNING' })),
      ),
    );
    // Assess
    expect(running.flatMap((r) => r.executions ?? [])).toEqual([]);
  });
});

describe('governor faults: the same table faults while 9 videos queue for 3 running slots', () => {
  it('met table faults on the task budgets too', () => {
    // Assess: the per-rate draws keep firing after the at-least-once start
    expect(videoFaults.budgetRequests).toBeGreaterThan(VIDEOS * 3);
    expect(videoFaults.throttled + videoFaults.conflicts + videoFaults.lostAnswers).toBeGreaterThan(0);
  });

  it('brings every video to succeeded with exactly one upstream task each', () => {
    // Assess
    const notDone = videos.outcomes.filter((o) => o.job?.status !== 'succeeded');
    expect(notDone, JSON.stringify(notDone.slice(0, 2))).toEqual([]);
    expect(duplicateTasks(l.sim)).toEqual({ duplicates: 0, tasks: VIDEOS });
  });

  it('keeps the slots and the Get-task second: at most 3 in flight, at most 20 reads in any second', () => {
    // Assess
    const life = l.sim.control.taskTimeline();
    const inFlight = life.map(
      (t) => life.filter((o) => o.createdAt <= t.createdAt && t.createdAt < (o.endAt ?? Infinity)).length,
    );
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(3);
    expect(l.sim.control.rateStats().GetTask?.maxAcceptedInSecond).toBeLessThanOrEqual(20);
  });
});
