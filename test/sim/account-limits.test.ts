/**
 * The asset library's real account limits over HTTP (UPSTREAM.md §1, issue 12): CreateAsset per sliding
 * minute by tier (the minute scaled by timeScale), the three throttle answers integrators saw live, the
 * required Filter.GroupType, cursor and page-number paging, and every asset failure code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { ASSET_FAILURE_MESSAGES } from '../../local/upstream-sim/volc/failure-codes';
import { LIST_AIGC, settledAsset, sleep, volcCall, volcOk, type VolcAnswer } from './helpers/clients';

/** A CreateAsset the limits count but the library refuses (unknown group): no download, no waiting. */
const createAsset = (sim: Simulator) =>
  volcCall(sim, 'CreateAsset', { GroupId: 'group-none', URL: 'https://e.com/a.png', AssetType: 'Image' });

/** Accepted calls got the library's 404; throttled ones got a throttle code. */
const accepted = (answers: VolcAnswer[]) => answers.filter((a) => a.status === 404).length;
const codes = (answers: VolcAnswer[]) =>
  answers.filter((a) => a.status !== 404).map((a) => a.body.ResponseMetadata.Error?.Code);

async function burst(sim: Simulator, n: number): Promise<VolcAnswer[]> {
  return Promise.all(Array.from({ length: n }, () => createAsset(sim)));
}

describe('CreateAsset per minute by tier (sliding window × timeScale)', () => {
  it('basic: 3 accepted in any 60 s window; the 4th waits for the oldest to leave the window', async () => {
    // Prepare: timeScale 0.05 makes the minute 3 s.
    const sim = await startSimulator({ port: 0, timeScale: 0.05, tier: 'basic' });
    try {
      // Act
      const first = await burst(sim, 5);
      const firstDone = Date.now();
      await sleep(1_000);
      const midWindow = await createAsset(sim);
      await sleep(Math.max(0, firstDone + 3_100 - Date.now())); // every accepted call has left the window
      const nextWindow = await burst(sim, 4);

      // Assess
      expect(accepted(first)).toBe(3);
      expect(codes(first)).toHaveLength(2);
      for (const c of codes(first))
        expect(['AccountFlowLimitExceeded', 'QuotaWriteQPMExceeded']).toContain(c);
      expect(midWindow.status).not.toBe(404);
      expect(accepted(nextWindow)).toBe(3);
      const stats = sim.control.rateStats().CreateAsset;
      expect(stats).toMatchObject({ accepted: 6, throttled: 4, maxAcceptedInWindow: 3, windowMs: 3_000 });
      expect(sim.control.counters().CreateAsset).toMatchObject({ calls: 10, ok: 0, throttled: 4 });
      const overHttp = (await (await fetch(`${sim.url}/_sim/rate-stats`)).json()) as Record<string, unknown>;
      expect(overHttp.CreateAsset).toEqual(stats);
    } finally {
      await sim.close();
    }
  });

  it('advanced: 120 accepted in a minute, the rest throttled; premium takes 300', async () => {
    // Prepare: a 12 s minute (timeScale 0.2) that the burst cannot outlast. CreateAsset's own 10 QPS is
    // lifted so that only the per-minute quota is measured.
    const sim = await startSimulator({
      port: 0,
      timeScale: 0.2,
      tier: 'advanced',
      rateLimits: { CreateAsset: 0 },
    });
    try {
      // Act
      const advanced: VolcAnswer[] = [];
      for (let i = 0; i < 13; i++) advanced.push(...(await burst(sim, 10)));
      const advancedStats = sim.control.rateStats().CreateAsset;
      sim.control.update({ tier: 'premium' });
      sim.control.resetCounters();
      const premium: VolcAnswer[] = [];
      for (let i = 0; i < 31; i++) premium.push(...(await burst(sim, 10)));

      // Assess
      expect(accepted(advanced)).toBe(120);
      expect(advancedStats).toMatchObject({ accepted: 120, throttled: 10, maxAcceptedInWindow: 120 });
      expect(accepted(premium)).toBe(300);
      expect(sim.control.rateStats().CreateAsset).toMatchObject({ throttled: 10, maxAcceptedInWindow: 300 });
    } finally {
      await sim.close();
    }
  });

  it('defaults to basic and reports the tier in its options', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      expect(sim.control.options()).toMatchObject({ tier: 'basic', throttleMix: { http200: 1, http429: 1 } });
      expect(() => sim.control.update({ tier: 'gold' as never })).toThrow(/tier/);
    } finally {
      await sim.close();
    }
  });
});

describe('throttle answers as seen live', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // Real time (a 60 s minute). CreateAsset's 10 QPS is lifted so every throttle here is the tier quota;
    // DeleteAssetGroup keeps its 5 QPS.
    sim = await startSimulator({ port: 0, tier: 'basic', seed: 3, rateLimits: { CreateAsset: 0 } });
  });
  afterAll(() => sim.close());

  /** Three calls fill a basic minute; the fourth is answered with the only variant of `mix`. */
  async function fourthWith(mix: Record<string, number>): Promise<VolcAnswer> {
    sim.control.update({ throttleMix: { http200: 0, http429: 0, quota429: 0, ...mix }, tier: 'basic' });
    const answers = await burst(sim, 4);
    expect(accepted(answers)).toBe(3);
    return answers.find((a) => a.status !== 404) as VolcAnswer;
  }

  it('HTTP 200 with ResponseMetadata.Error AccountFlowLimitExceeded (CodeN 100027) and no Result', async () => {
    const a = await fourthWith({ http200: 1 });
    expect(a.status).toBe(200);
    expect(a.body.ResponseMetadata).toMatchObject({
      Action: 'CreateAsset',
      Error: { Code: 'AccountFlowLimitExceeded', CodeN: 100027, Message: expect.stringMatching(/limit/) },
    });
    expect(a.body).not.toHaveProperty('Result');
  });

  it('HTTP 429 AccountFlowLimitExceeded', async () => {
    const a = await fourthWith({ http429: 1 });
    expect(a.status).toBe(429);
    expect(a.body.ResponseMetadata.Error).toMatchObject({ Code: 'AccountFlowLimitExceeded', CodeN: 100027 });
  });

  it('HTTP 429 QuotaWriteQPMExceeded on CreateAsset, naming the tier quota', async () => {
    const a = await fourthWith({ quota429: 1 });
    expect(a.status).toBe(429);
    expect(a.body.ResponseMetadata.Error?.Code).toBe('QuotaWriteQPMExceeded');
    expect(a.body.ResponseMetadata.Error?.Message).toMatch(/3 calls per minute on the basic tier/);
  });

  it('never answers QuotaWriteQPMExceeded outside CreateAsset (a QPS throttle is AccountFlowLimitExceeded)', async () => {
    sim.control.update({ throttleMix: { http200: 0, http429: 0, quota429: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => volcCall(sim, 'DeleteAssetGroup', { Id: `group-${i}` })),
    );
    const throttled = answers.filter((a) => a.status !== 404);
    expect(throttled).toHaveLength(1);
    expect([throttled[0]?.status, throttled[0]?.body.ResponseMetadata.Error?.Code]).toEqual([
      429,
      'AccountFlowLimitExceeded',
    ]);
  });

  it('mixes the variants in the configured ratio and counts each', async () => {
    // Prepare: 1 accepted call per 60 s at basic after the first 3; 60 throttled calls.
    sim.control.update({ throttleMix: { http200: 2, http429: 1, quota429: 1 }, tier: 'basic' });
    sim.control.resetCounters();

    // Act
    const answers: VolcAnswer[] = [];
    for (let i = 0; i < 7; i++) answers.push(...(await burst(sim, 9)));

    // Assess
    const stats = sim.control.rateStats().CreateAsset;
    expect(stats?.throttled).toBe(60);
    const by = stats?.throttledBy ?? {};
    expect((by.http200 ?? 0) + (by.http429 ?? 0) + (by.quota429 ?? 0)).toBe(60);
    for (const k of ['http200', 'http429', 'quota429']) expect(by[k]).toBeGreaterThan(5);
    expect(by.http200).toBeGreaterThan(by.quota429 ?? 0);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(by.http200 ?? -1);
    // A throttle inside an HTTP 200 is not an ok call.
    expect(sim.control.counters().CreateAsset).toMatchObject({ calls: 63, ok: 0, throttled: 60 });
  });

  it('still takes FlowLimitExceeded as a forced fault', async () => {
    sim.control.setFaults([
      { action: 'GetAssetGroup', rate: 1, count: 1, kind: 'error', code: 'FlowLimitExceeded' },
    ]);
    const a = await volcCall(sim, 'GetAssetGroup', { Id: 'group-x' });
    sim.control.clearFaults();
    expect([a.status, a.body.ResponseMetadata.Error?.Code, a.body.ResponseMetadata.Error?.CodeN]).toEqual([
      429,
      'FlowLimitExceeded',
      100018,
    ]);
  });
});

describe('lists: Filter.GroupType and paging', () => {
  let sim: Simulator;
  const project = 'paging-250';
  const groups: string[] = [];

  beforeAll(async () => {
    // Semantics, not limits: CreateAssetGroup's 10 QPS is lifted to make 250 groups quickly.
    sim = await startSimulator({ port: 0, timeScale: 0.001, rateLimits: { '*': 0 }, tier: 'premium' });
    for (let i = 0; i < 250; i += 25)
      groups.push(
        ...(await Promise.all(
          Array.from({ length: 25 }, async (_, j) => {
            const r = await volcOk(sim, 'CreateAssetGroup', { Name: `g-${i + j}`, ProjectName: project });
            return r.Id as string;
          }),
        )),
      );
  });
  afterAll(() => sim.close());

  it('answers 400 MissingParameter without Filter.GroupType, and InvalidParameter for another type', async () => {
    const none = await volcCall(sim, 'ListAssetGroups', { ProjectName: project });
    const noType = await volcCall(sim, 'ListAssets', { Filter: { GroupIds: [groups[0]] } });
    const other = await volcCall(sim, 'ListAssetGroups', { Filter: { GroupType: 'Video' } });
    const liveness = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'LivenessFace' },
      ProjectName: project,
    });

    for (const r of [none, noType]) {
      expect(r.status).toBe(400);
      expect(r.body.ResponseMetadata.Error).toMatchObject({ Code: 'MissingParameter', CodeN: 100002 });
      expect(r.body.ResponseMetadata.Error?.Message).toContain('Filter.GroupType');
    }
    expect([other.status, other.body.ResponseMetadata.Error?.Code]).toEqual([
      400,
      'InvalidParameter.Filter.GroupType',
    ]);
    // CreateAssetGroup makes AIGC groups only: no LivenessFace group exists.
    expect(liveness.Items).toEqual([]);
  });

  it('pages 250 groups with the cursor: 100 + 100 + 50, an empty NextToken at the end, no TotalCount', async () => {
    // Act
    const pages: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const p = await volcOk(sim, 'ListAssetGroups', {
        Filter: { GroupType: 'AIGC' },
        ProjectName: project,
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      });
      pages.push(p);
      token = p.NextToken as string;
    } while (token && pages.length < 10);

    // Assess
    const ids = pages.flatMap((p) => (p.Items as { Id: string }[]).map((g) => g.Id));
    expect(pages.map((p) => (p.Items as unknown[]).length)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.NextToken === '')).toEqual([false, false, true]);
    for (const p of pages) expect(p).not.toHaveProperty('TotalCount');
    expect(new Set(ids)).toEqual(new Set(groups));
    expect(ids).toHaveLength(250);
  });

  it('keeps the cursor stable when items are added between pages', async () => {
    const first = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      MaxResults: 100,
      SortOrder: 'Asc',
    });
    const added = (await volcOk(sim, 'CreateAssetGroup', { Name: 'late', ProjectName: project }))
      .Id as string;
    const rest: string[] = [];
    let token = first.NextToken as string;
    while (token) {
      const p = await volcOk(sim, 'ListAssetGroups', {
        Filter: { GroupType: 'AIGC' },
        ProjectName: project,
        MaxResults: 100,
        SortOrder: 'Asc',
        NextToken: token,
      });
      rest.push(...(p.Items as { Id: string }[]).map((g) => g.Id));
      token = p.NextToken as string;
    }
    const all = [...(first.Items as { Id: string }[]).map((g) => g.Id), ...rest];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(251);
    expect(all[250]).toBe(added);
    await volcOk(sim, 'DeleteAssetGroup', { Id: added, ProjectName: project });
  });

  it('sends 10 items when no paging field is sent; refuses MaxResults outside 1..100 and a foreign NextToken', async () => {
    const base = { Filter: { GroupType: 'AIGC' }, ProjectName: project };
    const defaults = await volcOk(sim, 'ListAssetGroups', base);
    const zero = await volcCall(sim, 'ListAssetGroups', { ...base, MaxResults: 0 });
    const big = await volcCall(sim, 'ListAssetGroups', { ...base, MaxResults: 101 });
    const forged = await volcCall(sim, 'ListAssetGroups', { ...base, NextToken: 'bm90LWEtdG9rZW4' });
    const otherSort = await volcCall(sim, 'ListAssetGroups', {
      ...base,
      SortOrder: 'Asc',
      NextToken: defaults.NextToken,
    });

    expect((defaults.Items as unknown[]).length).toBe(10);
    expect(defaults.NextToken).toEqual(expect.any(String));
    expect(defaults).not.toHaveProperty('TotalCount');
    for (const r of [zero, big])
      expect(r.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.MaxResults');
    for (const r of [forged, otherSort])
      expect([r.status, r.body.ResponseMetadata.Error?.Code]).toEqual([400, 'InvalidParameter.NextToken']);
  });

  it('pages by number with TotalCount, never together with the cursor, and refuses deep pages', async () => {
    const base = { Filter: { GroupType: 'AIGC' }, ProjectName: project };
    const p3 = await volcOk(sim, 'ListAssetGroups', { ...base, PageNumber: 3, PageSize: 100 });
    const both = await volcCall(sim, 'ListAssetGroups', { ...base, PageNumber: 1, MaxResults: 10 });
    const lastAllowed = await volcCall(sim, 'ListAssetGroups', { ...base, PageNumber: 100, PageSize: 100 });
    const tooDeep = await volcCall(sim, 'ListAssetGroups', { ...base, PageNumber: 101, PageSize: 100 });
    const assetsAllowed = await volcCall(sim, 'ListAssets', { ...LIST_AIGC, PageNumber: 200, PageSize: 100 });
    const assetsTooDeep = await volcCall(sim, 'ListAssets', { ...LIST_AIGC, PageNumber: 201, PageSize: 100 });

    expect(p3).toMatchObject({ TotalCount: 250, PageNumber: 3, PageSize: 100 });
    expect((p3.Items as unknown[]).length).toBe(50);
    expect(p3).not.toHaveProperty('NextToken');
    expect([both.status, both.body.ResponseMetadata.Error?.Code]).toEqual([400, 'InvalidParameter']);
    expect(lastAllowed.status).toBe(200);
    expect(assetsAllowed.status).toBe(200);
    for (const r of [tooDeep, assetsTooDeep])
      expect([r.status, r.body.ResponseMetadata.Error?.Code]).toEqual([400, 'InvalidParameter.PageNumber']);
    expect(tooDeep.body.ResponseMetadata.Error?.Message).toContain('10000');
    expect(assetsTooDeep.body.ResponseMetadata.Error?.Message).toContain('20000');
  });
});

describe('asset failure codes', () => {
  it('forces each of the codes of UPSTREAM.md §1 with its own vendor-like message; unknown codes still read', async () => {
    // Prepare
    const sim = await startSimulator({
      port: 0,
      timeScale: 0.001,
      assetDelayMs: [1, 2],
      tier: 'premium',
      rateLimits: { '*': 0, CreateAsset: 0, GetAsset: 0 },
    });
    try {
      const gid = (await volcOk(sim, 'CreateAssetGroup', { Name: 'failures' })).Id as string;
      const codes = [
        ...Object.keys(ASSET_FAILURE_MESSAGES),
        'InputImageSensitiveContentDetected.PrivacyInformation',
        'InputVideoSensitiveContentDetected.PolicyViolation',
        'SomethingNew',
      ];

      // Act
      const settled: Record<string, unknown>[] = [];
      for (const code of codes) {
        sim.control.forceAssetFailure(code);
        const { Id } = await volcOk(sim, 'CreateAsset', {
          GroupId: gid,
          URL: 'https://e.com/a.png',
          AssetType: 'Image',
        });
        settled.push(await settledAsset(sim, Id as string));
      }

      // Assess
      expect(Object.keys(ASSET_FAILURE_MESSAGES).length).toBeGreaterThanOrEqual(28);
      const messages = settled.map((a) => (a.Error as { Message: string }).Message);
      settled.forEach((a, i) =>
        expect(a).toMatchObject({ Status: 'Failed', Error: { Code: codes[i], Message: expect.any(String) } }),
      );
      expect(new Set(messages.slice(0, Object.keys(ASSET_FAILURE_MESSAGES).length)).size).toBe(
        Object.keys(ASSET_FAILURE_MESSAGES).length,
      );
      expect(messages.at(-3)).toMatch(/sensitive content.*real person/);
      expect(messages.at(-2)).toMatch(/sensitive content.*copyright/);
      expect(messages.at(-1)).toBe('The asset could not be processed (SomethingNew).');
      for (const m of messages) expect(m).not.toMatch(/forced/i);
    } finally {
      await sim.close();
    }
  });
});
