import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { DEFAULT_RATE_LIMITS } from '../../local/upstream-sim/defaults';
import { ActionRateLimiter } from '../../local/upstream-sim/rate-limit';
import { arkCall, LIST_AIGC, rawRequest, volcCall, volcOk } from './helpers/clients';

const MODEL = 'doubao-seedance-2-0-260128';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    timeScale: 0.001,
    seed: 99,
    rateLimits: { '*': 0, GetAsset: 0, CreateAsset: 0, DeleteAssetGroup: 0 },
    // Semantics, not limits: the most generous tier (the limits have their own tests).
    tier: 'premium',
  });
});
afterAll(() => sim.close());
afterEach(() => {
  sim.control.clearFaults();
  sim.control.resetCounters();
});

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('fault injection: Volcengine envelope', () => {
  it('answers an injected error with the code, the catalogue status and CodeN', async () => {
    // Prepare
    sim.control.setFaults([
      { action: 'ListAssets', rate: 1, kind: 'error', code: 'InternalError' },
      { action: 'ListAssetGroups', rate: 1, kind: 'error', code: 'FlowLimitExceeded' },
      {
        action: 'GetAssetGroup',
        rate: 1,
        kind: 'error',
        status: 503,
        code: 'ServiceUnavailable',
        message: 'down',
      },
    ]);

    // Act
    const internal = await volcCall(sim, 'ListAssets', LIST_AIGC);
    const throttled = await volcCall(sim, 'ListAssetGroups', LIST_AIGC);
    const custom = await volcCall(sim, 'GetAssetGroup', { Id: 'x' });

    // Assess
    expect(internal.status).toBe(500);
    expect(internal.body.ResponseMetadata.Error).toMatchObject({ Code: 'InternalError', CodeN: 100014 });
    expect(throttled.status).toBe(429);
    expect(throttled.body.ResponseMetadata.Error).toMatchObject({ Code: 'FlowLimitExceeded', CodeN: 100018 });
    expect(custom.status).toBe(503);
    expect(custom.body.ResponseMetadata.Error).toMatchObject({ Code: 'ServiceUnavailable', Message: 'down' });
    expect(sim.control.counters().ListAssets).toEqual({ calls: 1, ok: 0, throttled: 0, faulted: 1 });
  });

  it('applies a rule only to the next `count` calls, then drops it', async () => {
    // Prepare
    sim.control.setFaults([
      { action: 'ListAssets', rate: 1, count: 2, kind: 'error', code: 'InternalError' },
    ]);

    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await volcCall(sim, 'ListAssets', LIST_AIGC)).status);

    // Assess
    expect(statuses).toEqual([500, 500, 200]);
    expect((await control('GET', '/faults')).body).toEqual([]);
  });

  it('never fires a rule with rate 0 and fires `*` rules for every action', async () => {
    sim.control.setFaults([{ action: '*', rate: 0, kind: 'error' }]);
    expect((await volcCall(sim, 'ListAssets', LIST_AIGC)).status).toBe(200);
    sim.control.setFaults([{ action: '*', rate: 1, kind: 'error' }]);
    expect((await volcCall(sim, 'ListAssets', LIST_AIGC)).status).toBe(500);
    expect((await arkCall(sim, 'GET', '')).status).toBe(500);
  });

  it('adds latency and still answers', async () => {
    // Prepare
    sim.control.setFaults([{ action: 'ListAssets', rate: 1, kind: 'latency', latencyMs: 150 }]);
    const started = Date.now();

    // Act
    const r = await volcCall(sim, 'ListAssets', LIST_AIGC);

    // Assess
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(sim.control.counters().ListAssets).toEqual({ calls: 1, ok: 1, throttled: 0, faulted: 1 });
  });

  it('resets the connection', async () => {
    sim.control.setFaults([{ action: 'ListAssets', rate: 1, kind: 'reset' }]);
    await expect(volcCall(sim, 'ListAssets', LIST_AIGC)).rejects.toThrow(/ECONNRESET|socket hang up/);
  });

  it('answers a malformed body with 200, counted as faulted and not ok', async () => {
    // Prepare
    sim.control.setFaults([{ action: 'ListAssets', rate: 1, kind: 'malformed' }]);

    // Act
    const res = await rawRequest(`${sim.url}/?Action=ListAssets&Version=2024-01-01`, {
      method: 'POST',
      body: '{}',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(() => res.json()).toThrow(SyntaxError);
    expect(sim.control.counters().ListAssets).toEqual({ calls: 1, ok: 0, throttled: 0, faulted: 1 });
  });
});

describe('fault counts per kind', () => {
  it('counts each call once per fault kind that hit it, and injected errors by status', async () => {
    // Prepare
    sim.control.setFaults([
      { action: 'ListAssets', rate: 1, count: 2, kind: 'latency', latencyMs: 1 },
      { action: 'ListAssets', rate: 1, count: 1, kind: 'latency', latencyMs: 1 },
      { action: 'ListAssets', rate: 1, count: 1, kind: 'error', code: 'FlowLimitExceeded' },
      { action: 'ListAssets', rate: 1, count: 1, kind: 'malformed' },
      { action: 'ListAssets', rate: 1, count: 1, kind: 'reset' },
      { action: 'GetTask', rate: 1, count: 2, kind: 'error', status: 503 },
      { action: 'GetTask', rate: 1, count: 1, kind: 'error', code: 'RateLimitExceeded' },
    ]);

    // Act
    const first = await volcCall(sim, 'ListAssets', LIST_AIGC);
    const second = await rawRequest(`${sim.url}/?Action=ListAssets&Version=2024-01-01`, {
      method: 'POST',
      body: '{}',
    });
    await expect(volcCall(sim, 'ListAssets', LIST_AIGC)).rejects.toThrow(/ECONNRESET|socket hang up/);
    await volcOk(sim, 'ListAssets', LIST_AIGC);
    for (let i = 0; i < 3; i++) await arkCall(sim, 'GET', '/cgt-nope');
    await arkCall(sim, 'GET', '/cgt-nope');
    const overHttp = await control('GET', '/fault-counts');

    // Assess
    expect(first.status).toBe(429);
    expect(second.status).toBe(200);
    expect(sim.control.faultCounts()).toEqual({
      ListAssets: { error: 1, latency: 2, reset: 1, malformed: 1, errorStatuses: { '429': 1 } },
      GetTask: { error: 3, latency: 0, reset: 0, malformed: 0, errorStatuses: { '503': 2, '429': 1 } },
    });
    expect(sim.control.counters()).toEqual({
      ListAssets: { calls: 4, ok: 1, throttled: 0, faulted: 3 },
      GetTask: { calls: 4, ok: 0, throttled: 0, faulted: 3 },
    });
    expect(overHttp.body).toEqual(sim.control.faultCounts());
  });

  it('resets fault counts with the counters', async () => {
    // Prepare
    sim.control.setFaults([{ action: 'ListAssets', rate: 1, count: 1, kind: 'error' }]);
    await volcCall(sim, 'ListAssets', LIST_AIGC);

    // Act
    const before = (await control('GET', '/fault-counts')).body;
    await control('DELETE', '/counters');

    // Assess
    expect(before).toMatchObject({ ListAssets: { error: 1, errorStatuses: { '500': 1 } } });
    expect((await control('GET', '/fault-counts')).body).toEqual({});
  });
});

describe('fault injection: task API and media', () => {
  it.each([
    ['InternalServiceError', 500],
    ['ServerOverloaded', 429],
    ['QuotaExceeded', 429],
    ['RateLimitExceeded', 429],
    ['AccessDenied', 403],
    ['AccountOverdueError', 403],
    ['ModelNotOpen', 404],
    ['InputImageSensitiveContentDetected.PrivacyInformation', 400],
    ['InputTextSensitiveContentDetected', 400],
  ])('answers an injected %s with status %i in the task error envelope', async (code, status) => {
    // Prepare
    sim.control.setFaults([{ action: 'CreateTask', rate: 1, kind: 'error', code }]);

    // Act
    const r = await arkCall(sim, 'POST', '', { model: MODEL, content: [{ type: 'text', text: 'x' }] });

    // Assess
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('answers malformed task JSON and resets a video download', async () => {
    // Prepare
    const id = (await arkCall(sim, 'POST', '', { model: MODEL, content: [{ type: 'text', text: 'x' }] })).body
      .id as string;
    sim.control.update({ taskQueuedMs: 0, taskRunningMs: 0 });
    const done = (await arkCall(sim, 'POST', '', { model: MODEL, content: [{ type: 'text', text: 'x' }] }))
      .body.id as string;
    sim.control.update({ taskQueuedMs: 20_000, taskRunningMs: 60_000 });
    const videoUrl = ((await arkCall(sim, 'GET', `/${done}`)).body.content as { video_url: string })
      .video_url;
    sim.control.setFaults([
      { action: 'GetTask', rate: 1, kind: 'malformed' },
      { action: 'GetVideoFile', rate: 1, kind: 'reset' },
    ]);

    // Act
    const res = await fetch(`${sim.url}/seedance/api/v3/contents/generations/tasks/${id}`, {
      headers: { authorization: 'Bearer sk-sim-demo-token' },
    });
    const text = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    await expect(fetch(videoUrl)).rejects.toThrow();
    expect(sim.control.counters().GetVideoFile).toMatchObject({ calls: 1, ok: 0, faulted: 1 });
  });
});

describe('rate limits', () => {
  it('uses the documented defaults: GetAsset 100, DeleteAssetGroup 5, CreateAsset 10, others 10', () => {
    const limiter = new ActionRateLimiter({ ...DEFAULT_RATE_LIMITS }, () => 1);
    expect(
      ['GetAsset', 'DeleteAssetGroup', 'CreateAsset', 'ListAssets', 'UpdateAsset'].map((a) =>
        limiter.qpsFor(a),
      ),
    ).toEqual([100, 5, 10, 10, 10]);
  });

  it('refills a token bucket continuously at QPS tokens per (second × timeScale)', () => {
    // Prepare
    const limiter = new ActionRateLimiter({ GetAsset: 100, '*': 10 }, () => 1);
    const scaled = new ActionRateLimiter({ '*': 10 }, () => 0.1);
    const t0 = 1_000_000;

    // Act
    const burst = Array.from({ length: 101 }, () => limiter.take('GetAsset', t0));
    const after10ms = limiter.take('GetAsset', t0 + 10);
    const unlimited = new ActionRateLimiter({ '*': 0 }, () => 1).take('ListAssets', t0);
    const scaledBurst = Array.from({ length: 10 }, () => scaled.take('ListAssets', t0));
    const scaledAfter9ms = scaled.take('ListAssets', t0 + 9);
    const scaledAfter11ms = scaled.take('ListAssets', t0 + 11);

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(100);
    expect(burst[100]).toBe(false);
    expect(after10ms).toBe(true);
    expect(unlimited).toBe(true);
    // At timeScale 0.1 a 10 QPS bucket refills one token per 10 ms (9 ms is not enough).
    expect(scaledBurst.every(Boolean)).toBe(true);
    expect(scaledAfter9ms).toBe(false);
    expect(scaledAfter11ms).toBe(true);
  });

  it('answers AccountFlowLimitExceeded (429, 100027) beyond the default DeleteAssetGroup 5 QPS', async () => {
    // Prepare
    const limited = await startSimulator({ port: 0, throttleMix: { http200: 0, http429: 1, quota429: 0 } });
    try {
      // Act
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => volcCall(limited, 'DeleteAssetGroup', { Id: `group-${i}` })),
      );

      // Assess
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 429]);
      expect(answers[5]?.body.ResponseMetadata.Error).toMatchObject({
        Code: 'AccountFlowLimitExceeded',
        CodeN: 100027,
      });
      expect(answers[5]?.body).not.toHaveProperty('Result');
      expect(limited.control.counters().DeleteAssetGroup).toEqual({
        calls: 6,
        ok: 0,
        throttled: 1,
        faulted: 0,
      });
    } finally {
      await limited.close();
    }
  });

  it('takes a configured CreateAsset QPS', async () => {
    const limited = await startSimulator({
      port: 0,
      tier: 'premium',
      rateLimits: { CreateAsset: 2 },
      throttleMix: { http200: 0, http429: 1, quota429: 0 },
    });
    try {
      const statuses = (
        await Promise.all(
          Array.from({ length: 3 }, () =>
            volcCall(limited, 'CreateAsset', {
              GroupId: 'g',
              URL: 'https://e.com/a.png',
              AssetType: 'Image',
            }),
          ),
        )
      ).map((a) => a.status);
      expect(statuses.sort()).toEqual([404, 404, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('control API over HTTP', () => {
  it('reports health, options (without secrets) and updates options', async () => {
    // Act
    const health = await control('GET', '/health');
    const patched = await control('PATCH', '/options', { timeScale: 0.5, taskRpm: 7 });
    const invalid = await control('PATCH', '/options', { timeScale: -1 });
    sim.control.update({ timeScale: 0.001, taskRpm: 0 });

    // Assess
    expect(health).toEqual({ status: 200, body: { ok: true, url: sim.url } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      timeScale: 0.5,
      taskRpm: 7,
      credentials: { accessKeyId: 'AKLTSIMDEMOACCESSKEY', secretAccessKey: '***', apiToken: '***' },
    });
    expect(invalid.status).toBe(400);
  });

  it('sets, lists and clears faults, and refuses invalid rules', async () => {
    const rule = { action: 'GetTask', rate: 0.5, kind: 'latency', latencyMs: 10 };
    expect((await control('PUT', '/faults', [rule])).body).toEqual([rule]);
    expect((await control('POST', '/faults', { rules: [rule, rule] })).body).toEqual([rule, rule]);
    expect((await control('PUT', '/faults', [{ action: 'x', rate: 2, kind: 'error' }])).status).toBe(400);
    expect((await control('PUT', '/faults', [{ action: 'x', rate: 1, kind: 'explode' }])).status).toBe(400);
    expect((await control('DELETE', '/faults')).body).toEqual([]);
  });

  it('reports and resets counters', async () => {
    await volcOk(sim, 'ListAssets', LIST_AIGC);
    await volcOk(sim, 'ListAssets', LIST_AIGC);
    await arkCall(sim, 'GET', '');
    expect((await control('GET', '/counters')).body).toEqual({
      ListAssets: { calls: 2, ok: 2, throttled: 0, faulted: 0 },
      ListTasks: { calls: 1, ok: 1, throttled: 0, faulted: 0 },
    });
    expect((await control('POST', '/counters/reset')).body).toEqual({});
    await volcOk(sim, 'ListAssets', LIST_AIGC);
    expect((await control('DELETE', '/counters')).body).toEqual({});
  });

  it('forces asset failures and task outcomes, and lists snapshots', async () => {
    // Act
    const setAsset = await control('PUT', '/asset-failure', { code: 'FaceMismatch' });
    const gid = (await volcOk(sim, 'CreateAssetGroup', { Name: 'snap' })).Id as string;
    const { Id } = await volcOk(sim, 'CreateAsset', {
      GroupId: gid,
      URL: 'https://e.com/a.png',
      AssetType: 'Image',
    });
    const clearAsset = await control('DELETE', '/asset-failure');
    const setTask = await control('PUT', '/task-outcome', { status: 'failed', code: 'X' });
    const badTask = await control('PUT', '/task-outcome', { status: 'succeeded' });
    const taskId = (await arkCall(sim, 'POST', '', { model: MODEL, content: [{ type: 'text', text: 'x' }] }))
      .body.id;
    const clearTask = await control('PUT', '/task-outcome', null);
    const groups = (await control('GET', '/groups')).body as { Id: string }[];
    const assets = (await control('GET', '/assets')).body as { Id: string }[];
    const tasks = (await control('GET', '/tasks')).body as { id: string }[];

    // Assess
    expect(setAsset.body).toEqual({ code: 'FaceMismatch' });
    expect(clearAsset.body).toEqual({ code: null });
    expect(setTask.body).toEqual({ status: 'failed', code: 'X' });
    expect(badTask.status).toBe(400);
    expect(clearTask.body).toBeNull();
    expect(groups.map((g) => g.Id)).toContain(gid);
    expect(assets.map((a) => a.Id)).toContain(Id);
    expect(tasks.map((t) => t.id)).toContain(taskId);
    expect(sim.control.assets().find((a) => a.Id === Id)).toBeDefined();
  });

  it('answers 404 for unknown control routes and unknown paths', async () => {
    expect((await control('GET', '/nope')).status).toBe(404);
    expect((await fetch(`${sim.url}/elsewhere`)).status).toBe(404);
  });
});

describe('seed', () => {
  it('makes ID suffixes reproducible', async () => {
    // Prepare
    const a = await startSimulator({ port: 0, seed: 42 });
    const b = await startSimulator({ port: 0, seed: 42 });
    try {
      // Act
      const idA = (await volcOk(a, 'CreateAssetGroup', { Name: 'x' })).Id as string;
      const idB = (await volcOk(b, 'CreateAssetGroup', { Name: 'x' })).Id as string;

      // Assess
      expect(idA.slice(-5)).toBe(idB.slice(-5));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
