/**
 * The fault suite: the whole local stack (REST API, S3 trigger, both state machines, the same handlers
 * and ASL files) against the simulator while it injects 10 % 5xx, latency spikes (some past the client
 * timeout, so the outcome of a create is unknown), connection resets, malformed bodies and 429 bursts.
 * 30 uploads (3 of them not images) and 10 videos run at once; then 2 videos whose task fails upstream.
 * Every job must end in the state its input deserves, no asset or task may be created twice, and
 * nothing may be left running.
 *
 * Time scale 0.1 shrinks every wait, retry interval and simulated delay alike; the upstream timeout is
 * scaled with them (15 s → 1.5 s), so "a spike past the timeout lands before the settle wait ends"
 * holds here as it does in AWS.
 */
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFile } from '../../cli/uploads';
import { logger } from '../../functions/shared/logger';
import { makeAvatarPng } from '../../local/avatar';
import { stateMachineArn } from '../../local/sfn/executions';
import { SIM_DEFAULT_CREDENTIALS, type FaultKind, type FaultRule } from '../../local/upstream-sim';
import {
  duplicateAssets,
  duplicateTasks,
  openLoadStack,
  runUploadBatch,
  runVideoBatch,
  type LoadStack,
  type UploadBatch,
  type VideoBatch,
} from '../../bench/lib/load';

const TIME_SCALE = 0.1;
const UPSTREAM_TIMEOUT_MS = 2_500;
const UPLOADS = 30;
const NOT_IMAGES = 3;
const VIDEOS = 10;

const FAULTS: FaultRule[] = [
  { action: '*', rate: 0.1, kind: 'error', status: 500 },
  { action: '*', rate: 0.05, kind: 'latency', latencyMs: 300 },
  { action: '*', rate: 0.03, kind: 'latency', latencyMs: UPSTREAM_TIMEOUT_MS + 300 },
  { action: '*', rate: 0.03, kind: 'reset' },
  { action: '*', rate: 0.03, kind: 'malformed' },
  { action: 'CreateAsset', rate: 1, count: 15, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
  // The live throttle answers (UPSTREAM.md §1): the same code inside an HTTP 200, and the write quota.
  { action: 'CreateAsset', rate: 1, count: 5, kind: 'error', status: 200, code: 'AccountFlowLimitExceeded' },
  { action: 'CreateAsset', rate: 1, count: 5, kind: 'error', status: 429, code: 'QuotaWriteQPMExceeded' },
  { action: 'GetAsset', rate: 1, count: 10, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
  { action: 'CreateTask', rate: 1, count: 6, kind: 'error', status: 429, code: 'RateLimitExceeded' },
  { action: 'GetTask', rate: 1, count: 6, kind: 'error', status: 429, code: 'RateLimitExceeded' },
];

/** Declared as PNG, but not an image: validation must quarantine it. */
function notAnImage(i: number): LocalFile {
  const bytes = new TextEncoder().encode(`this is not a picture, file ${i}\n`.repeat(40));
  return { path: `fake-${i}.png`, fileName: `fake-${i}.png`, bytes, contentType: 'image/png' };
}

const avatar = makeAvatarPng();
let l: LoadStack;
let uploads: UploadBatch;
let videos: VideoBatch;
let failing: VideoBatch;
const logLines: string[] = [];
const savedTimeout = process.env.UPSTREAM_TIMEOUT_MS;

beforeAll(async () => {
  process.env.UPSTREAM_TIMEOUT_MS = String(UPSTREAM_TIMEOUT_MS);
  // Every line at every level is kept (not printed) and checked for leaked secrets below.
  logger.setLevel('debug');
  logger.setSink((line) => logLines.push(line));
  // premium: 30 uploads at once fit its 300 CreateAsset per minute, so this suite measures faults, not
  // waiting (the stack's budget follows the tier; the governor's own faults: governor-faults.test.ts).
  // Tasks: a personal account (3 running per model), the real default.
  l = await openLoadStack({
    timeScale: TIME_SCALE,
    simulator: { seed: 1234, tier: 'premium', taskAccount: 'personal' },
  });
  const group = await l.client.createGroup({ name: 'fault-suite' });
  const seed = await runUploadBatch(l, group.groupId, 1);
  const assetId = seed.outcomes[0]?.status?.assetId;
  if (!assetId) throw new Error(`the seed upload did not become active: ${JSON.stringify(seed.outcomes)}`);
  l.sim.control.resetCounters();

  l.sim.control.setFaults(FAULTS);
  [uploads, videos] = await Promise.all([
    runUploadBatch(l, group.groupId, UPLOADS, {
      fileFor: (i) =>
        i < NOT_IMAGES
          ? notAnImage(i)
          : { path: 'a.png', fileName: 'a.png', bytes: avatar, contentType: 'image/png' },
      deadlineMs: 90_000,
    }),
    runVideoBatch(l, assetId, VIDEOS, { deadlineMs: 90_000 }),
  ]);
  l.sim.control.forceTaskOutcome({
    status: 'failed',
    code: 'OutputVideoSensitiveContentDetected',
    message: 'The output video may contain sensitive information.',
  });
  failing = await runVideoBatch(l, assetId, 2, { deadlineMs: 60_000 });
  l.sim.control.forceTaskOutcome(null);
  l.sim.control.clearFaults();
}, 150_000);

afterAll(async () => {
  await l?.close();
  logger.setSink((line) => process.stdout.write(`${line}\n`));
  logger.setLevel('info');
  if (savedTimeout === undefined) delete process.env.UPSTREAM_TIMEOUT_MS;
  else process.env.UPSTREAM_TIMEOUT_MS = savedTimeout;
});

describe('fault suite: injected upstream faults while 30 uploads and 10 videos run', () => {
  it('injected every kind of fault, and the 429 bursts, on the upstream calls the workflows make', () => {
    // Prepare
    const counters = l.sim.control.counters();
    const faults = Object.values(l.sim.control.faultCounts());
    const fired = (kind: FaultKind) => faults.reduce((n, f) => n + f[kind], 0);
    // Assess
    for (const kind of ['error', 'latency', 'reset', 'malformed'] as const)
      expect(fired(kind), kind).toBeGreaterThan(0);
    for (const action of ['CreateAsset', 'GetAsset', 'CreateTask', 'GetTask']) {
      expect(counters[action]?.faulted, action).toBeGreaterThan(0);
      expect(l.sim.control.faultCounts()[action]?.errorStatuses['429'], action).toBeGreaterThan(0);
    }
  });

  it('ends every upload in the state its file deserves: images active, the rest rejected', () => {
    // Assess
    const wrong = uploads.outcomes.filter(
      (o) => o.status?.status !== (o.index < NOT_IMAGES ? 'rejected' : 'active'),
    );
    expect(wrong, JSON.stringify(wrong.slice(0, 3))).toEqual([]);
    for (const o of uploads.outcomes.filter((x) => x.index >= NOT_IMAGES))
      expect(o.status?.assetId).toMatch(/^asset-/);
  });

  it('ends every video succeeded, and a video whose task fails upstream failed with its code', () => {
    // Assess
    const notSucceeded = videos.outcomes.filter((o) => o.job?.status !== 'succeeded');
    expect(notSucceeded, JSON.stringify(notSucceeded.slice(0, 3))).toEqual([]);
    for (const o of failing.outcomes) {
      expect(o.job?.status).toBe('failed');
      expect(o.job?.error?.code).toBe('OutputVideoSensitiveContentDetected');
    }
  });

  it('creates no asset and no upstream task twice', () => {
    // Prepare
    const active = uploads.outcomes.filter((o) => o.status?.status === 'active');
    const ours = new Set(uploads.outcomes.map((o) => o.uploadId));
    const assets = l.sim.control.assets().filter((a) => ours.has(String(a.Name)));
    // Assess
    expect(duplicateAssets(l.sim)).toEqual({ duplicates: 0, names: [] });
    expect(assets.map((a) => `${String(a.Name)} ${String(a.Id)}`).sort()).toEqual(
      active.map((o) => `${o.uploadId} ${o.status?.assetId}`).sort(),
    );
    expect(duplicateTasks(l.sim).duplicates).toBe(0);
    expect(duplicateTasks(l.sim).tasks).toBe(VIDEOS + 2);
  });

  it('leaves nothing running: no execution, no upstream task', async () => {
    // Prepare
    const sfn = new SFNClient({
      endpoint: l.stack.sfnUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
    // Act
    const running = await Promise.all(
      ['ingest', 'video'].map((m) =>
        sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn(m), statusFilter: 'RUNNING' })),
      ),
    );
    // Assess
    expect(running.flatMap((r) => r.executions ?? [])).toEqual([]);
    expect(l.sim.control.tasks().filter((t) => t.status === 'queued' || t.status === 'running')).toEqual([]);
  });

  it('never logged a secret or a presigned URL while failing and retrying', () => {
    // Assess
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(all).not.toContain(SIM_DEFAULT_CREDENTIALS.secretAccessKey);
    expect(all).not.toContain(SIM_DEFAULT_CREDENTIALS.apiToken);
    expect(all).not.toMatch(/X-Amz-Signature|X-Amz-Credential/i);
  });
});
