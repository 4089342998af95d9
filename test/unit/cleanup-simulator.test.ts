import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { markDescription } from '../../functions/core/groups';
import { AssetsClient } from '../../functions/core/volcengine';
import { logger } from '../../functions/shared/logger';
import {
  DEFAULT_RATE_LIMITS,
  SIM_DEFAULT_CREDENTIALS,
  startSimulator,
  type Simulator,
} from '../../local/upstream-sim';

// The scheduled handler against the upstream simulator, with Step Functions mocked. Time: phase-1
// objects are made, the wall clock moves to the next second, phase-2 objects are made, then Date is
// moved 30 days ahead so that the cutoff falls between the two phases.

const TAG = 'CleanupTestStack';
const VIDEO_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:video';
const INGEST_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:ingest';
const DAY = 86_400_000;

let sim: Simulator;
let client: AssetsClient;
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const logLines: Array<Record<string, unknown>> = [];
const ids: Record<string, string> = {};
let handler: (e: { dryRun?: boolean }) => Promise<Record<string, unknown>>;
let youngCreated = 0;

/** 30 days after a moment half a second before phase 2: phase 1 is older than the cutoff, phase 2 newer. */
const moveClockToCutoff = () => vi.setSystemTime(youngCreated + 30 * DAY - 500);

async function group(key: string, description: string): Promise<string> {
  const { id } = await client.createAssetGroup({ name: key, description });
  ids[key] = id;
  return id;
}
async function asset(key: string, groupId: string): Promise<string> {
  // The URL is never fetched successfully; cleanup only looks at the asset's times and group.
  const { id } = await client.createAsset({
    groupId,
    url: 'http://127.0.0.1:9/none.png',
    assetType: 'Image',
  });
  ids[key] = id;
  return id;
}
const groupIds = () => new Set(sim.control.groups().map((g) => String(g.Id)));

beforeAll(async () => {
  // Premium: this setup makes 5 assets in well under a (scaled) minute; the test is about cleanup, not quotas.
  sim = await startSimulator({
    port: 0,
    quiet: true,
    timeScale: 0.001,
    assetDelayMs: [1, 2],
    tier: 'premium',
  });
  sim.control.update({
    rateLimits: { ...DEFAULT_RATE_LIMITS, CreateAssetGroup: 0, CreateAsset: 0, UpdateAsset: 0 },
  });
  client = new AssetsClient({
    endpoint: sim.url,
    region: 'cn-beijing',
    projectName: 'default',
    credentials: SIM_DEFAULT_CREDENTIALS,
  });
  const managed = markDescription('', TAG);

  // Phase 1: everything "old".
  for (let i = 0; i < 101; i++) await group(`unmanaged-${i}`, 'made in the console');
  await group('other-stack', markDescription('', 'SomeOtherStack'));
  for (let i = 0; i < 4; i++) await group(`stale-${i}`, managed);
  await asset('old-asset', await group('stale-with-old-asset', managed));
  const recentAsset = await asset('touched-asset', await group('recent-asset', managed));
  await asset('video-ref', await group('in-use-by-video', managed));
  await group('in-use-by-upload', managed);
  await asset('finished-ref', await group('referenced-by-finished', managed));

  // Phase 2, one wall-clock second later (upstream times have second precision).
  const lastSecond = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) <= lastSecond) await new Promise((r) => setTimeout(r, 20));
  const young = await group('young', managed);
  await client.updateAsset({ id: recentAsset, name: 'renamed' });
  sim.control.update({ rateLimits: { ...DEFAULT_RATE_LIMITS } });

  youngCreated = Date.parse(String(sim.control.groups().find((g) => g.Id === young)?.CreateTime));
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });

  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SIM_DEFAULT_CREDENTIALS) });
  const exec = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:x:${name}`;
  sfn
    .on(ListExecutionsCommand, { stateMachineArn: VIDEO_ARN })
    .callsFake((input: { nextToken?: string }) =>
      input.nextToken === 'page-2'
        ? { executions: [{ executionArn: exec('v2') }] }
        : { executions: [{ executionArn: exec('v1') }], nextToken: 'page-2' },
    );
  sfn
    .on(ListExecutionsCommand, { stateMachineArn: INGEST_ARN })
    .resolves({ executions: [{ executionArn: exec('u1') } as never] });
  sfn.on(DescribeExecutionCommand, { executionArn: exec('v1') }).resolves({
    status: 'RUNNING',
    input: JSON.stringify({ prompt: 'Image 1 waves', references: [{ assetId: ids['video-ref'] }] }),
  });
  sfn.on(DescribeExecutionCommand, { executionArn: exec('v2') }).resolves({
    status: 'SUCCEEDED',
    input: JSON.stringify({ references: [{ url: `asset://${ids['finished-ref']}` }] }),
  });
  sfn.on(DescribeExecutionCommand, { executionArn: exec('u1') }).resolves({
    status: 'RUNNING',
    input: JSON.stringify({ uploadId: 'u1', groupId: ids['in-use-by-upload'] }),
  });

  Object.assign(process.env, {
    VOLC_ENDPOINT: sim.url,
    CREDENTIALS_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
    MANAGED_GROUP_TAG: TAG,
    CLEANUP_MAX_AGE_DAYS: '30',
    CLEANUP_DRY_RUN: 'false',
    VIDEO_STATE_MACHINE_ARN: VIDEO_ARN,
    INGEST_STATE_MACHINE_ARN: INGEST_ARN,
  });
  logger.setSink((line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
  handler = (await import('../../functions/scheduled/cleanup')).handler;
}, 60_000);

afterAll(async () => {
  vi.useRealTimers();
  sfn.restore();
  secrets.restore();
  await sim.close();
});

const SHOULD_DELETE = [
  'stale-0',
  'stale-1',
  'stale-2',
  'stale-3',
  'stale-with-old-asset',
  'referenced-by-finished',
];
const SHOULD_KEEP = [
  'unmanaged-0',
  'unmanaged-100',
  'other-stack',
  'recent-asset',
  'in-use-by-video',
  'in-use-by-upload',
  'young',
];

describe('scheduled cleanup against the simulator', () => {
  it('a dry run plans exactly the stale managed groups and deletes nothing', async () => {
    // Prepare
    const before = groupIds();
    sim.control.resetCounters();
    logLines.length = 0;
    moveClockToCutoff();
    // Act
    const summary = await handler({ dryRun: true });
    // Assess
    expect(new Set(summary.planned as string[])).toEqual(new Set(SHOULD_DELETE.map((k) => ids[k])));
    expect(summary.deleted).toEqual([]);
    expect(groupIds()).toEqual(before);
    expect(sim.control.counters().DeleteAssetGroup).toBeUndefined();
    expect(logLines.filter((l) => l.message === 'cleanup summary')).toHaveLength(1);
  });

  it('deletes only stale managed groups, pages through more than 100 groups, and stays under the rate limits', async () => {
    // Prepare
    sim.control.resetCounters();
    logLines.length = 0;
    moveClockToCutoff();
    // The fake clock just went back to the cutoff, behind the simulator's last QPS-bucket refill: start
    // its buckets afresh (the same limits) so the jump is not read as a burst of calls.
    sim.control.update({ rateLimits: { ...DEFAULT_RATE_LIMITS } });
    const started = performance.now();
    // Act
    const summary = await handler({});
    const elapsed = performance.now() - started;
    // Assess
    const remaining = groupIds();
    for (const k of SHOULD_DELETE) expect(remaining.has(ids[k] ?? ''), k).toBe(false);
    for (const k of SHOULD_KEEP) expect(remaining.has(ids[k] ?? ''), k).toBe(true);
    expect(summary).toMatchObject({
      dryRun: false,
      groups: 112,
      toDelete: SHOULD_DELETE.length,
      failed: [],
      runningExecutions: 2,
      kept: { unmanaged: 102, 'recent-group': 1, 'recent-asset': 1, 'in-use': 2 },
    });
    const counters = sim.control.counters();
    expect(counters.ListAssetGroups?.calls).toBe(2);
    for (const action of ['ListAssetGroups', 'ListAssets', 'DeleteAssetGroup'])
      expect(counters[action]?.throttled ?? 0, action).toBe(0);
    expect(counters.DeleteAssetGroup?.ok).toBe(SHOULD_DELETE.length);
    // Six deletions at ≤ 5 per second cannot take less than one second.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    const lines = logLines.filter((l) => l.message === 'cleanup summary');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ toDelete: SHOULD_DELETE.length, maxAgeDays: 30 });
  });
});
