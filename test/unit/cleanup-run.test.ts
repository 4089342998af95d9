import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { rateLimiter, type Clock } from '../../functions/core/cleanup/rate-limiter';
import { runCleanup, type CleanupPorts, type PageRequest } from '../../functions/core/cleanup/run';
import { markDescription } from '../../functions/core/groups';
import type { Asset, AssetGroup, CursorPage } from '../../functions/core/volcengine/types';

/** A clock whose sleeps advance time instantly, so pacing is measured without waiting. */
function fakeClock(start = Date.parse('2026-06-01T00:00:00Z')): Clock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

const TAG = 'T';
const OLD = '2020-01-01T00:00:00Z';

/** Cursor pages the way upstream answers them: the offset as NextToken, none after the last page. */
function pageOf<T>(all: T[], q: PageRequest): CursorPage<T> {
  const start = Number(q.nextToken ?? 0);
  const next = start + q.maxResults;
  return next < all.length
    ? { items: all.slice(start, next), nextToken: String(next) }
    : { items: all.slice(start) };
}

function fakePorts(groups: AssetGroup[], assets: Asset[] = [], inputs: string[] = []) {
  const deleted: string[] = [];
  const calls: Array<{ op: string; at: number }> = [];
  let clock: Clock | undefined;
  const failures = new Map<string, UpstreamError[]>();
  const ports: CleanupPorts = {
    listGroups: async (q) => {
      calls.push({ op: 'listGroups', at: clock?.now() ?? 0 });
      return pageOf(groups, q);
    },
    listAssets: async (q) => {
      calls.push({ op: 'listAssets', at: clock?.now() ?? 0 });
      return pageOf(assets, q);
    },
    async *runningExecutionInputs() {
      yield* inputs;
    },
    deleteGroup: async (id) => {
      calls.push({ op: 'deleteGroup', at: clock?.now() ?? 0 });
      const queued = failures.get(id);
      const next = queued?.shift();
      if (next) throw next;
      deleted.push(id);
    },
  };
  return {
    ports,
    deleted,
    calls,
    failures,
    useClock: (c: Clock) => {
      clock = c;
    },
  };
}

const managed = (id: string, createTime = OLD): AssetGroup => ({
  id,
  name: id,
  description: markDescription('', TAG),
  groupType: 'AIGC',
  projectName: 'default',
  createTime,
  updateTime: createTime,
});

describe('runCleanup', () => {
  it('pages through every group and asset, deletes the stale ones at most 5 per second', async () => {
    // Prepare
    const groups = Array.from({ length: 23 }, (_, i) => managed(`group-${i}`));
    const f = fakePorts(groups);
    const clock = fakeClock();
    f.useClock(clock);
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: false,
      pageSize: 5,
      clock,
    });
    // Assess
    expect(result.deleted).toHaveLength(23);
    expect(f.calls.filter((c) => c.op === 'listGroups')).toHaveLength(5);
    const deletes = f.calls.filter((c) => c.op === 'deleteGroup').map((c) => c.at);
    for (let i = 5; i < deletes.length; i++)
      expect(deletes[i]! - deletes[i - 5]!).toBeGreaterThanOrEqual(1000);
  });

  it('deletes nothing in a dry run but reports the plan', async () => {
    // Prepare
    const f = fakePorts([managed('group-a'), managed('group-b')]);
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: true,
      clock: fakeClock(),
    });
    // Assess
    expect(result.planned).toEqual(['group-a', 'group-b']);
    expect(result.deleted).toEqual([]);
    expect(f.calls.some((c) => c.op === 'deleteGroup')).toBe(false);
  });

  it('keeps groups referenced by running executions, directly or through an asset', async () => {
    // Prepare
    const asset: Asset = {
      id: 'asset-1',
      name: '',
      groupId: 'group-b',
      assetType: 'Image',
      status: 'Active',
      projectName: 'default',
      createTime: OLD,
      updateTime: OLD,
    };
    const f = fakePorts(
      [managed('group-a'), managed('group-b'), managed('group-c')],
      [asset],
      [JSON.stringify({ groupId: 'group-a' }), JSON.stringify({ references: ['asset://asset-1'] })],
    );
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: false,
      clock: fakeClock(),
    });
    // Assess
    expect(result.deleted).toEqual(['group-c']);
    expect(result.kept['in-use']).toBe(2);
    expect(result.runningExecutions).toBe(2);
  });

  it('retries a throttled delete with backoff, treats 404 as done, and reports other failures', async () => {
    // Prepare
    const f = fakePorts([managed('group-throttled'), managed('group-gone'), managed('group-denied')]);
    const err = (status: number, code: string) =>
      new UpstreamError({ service: 'volcengine', status, code, message: code });
    f.failures.set('group-throttled', [err(429, 'FlowLimitExceeded'), err(429, 'FlowLimitExceeded')]);
    f.failures.set('group-gone', [err(404, 'NotFound.group_id')]);
    f.failures.set('group-denied', [err(403, 'AccessDenied')]);
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: false,
      clock: fakeClock(),
    });
    // Assess
    expect(result.deleted).toEqual(['group-throttled', 'group-gone']);
    expect(result.failed).toEqual([{ groupId: 'group-denied', code: 'AccessDenied' }]);
    expect(f.calls.filter((c) => c.op === 'deleteGroup')).toHaveLength(5);
  });

  it('gives up on a delete after maxAttempts throttled answers', async () => {
    // Prepare
    const f = fakePorts([managed('group-x')]);
    const throttled = () =>
      new UpstreamError({ service: 'volcengine', status: 429, code: 'FlowLimitExceeded', message: 'x' });
    f.failures.set('group-x', [throttled(), throttled(), throttled()]);
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: false,
      maxAttempts: 3,
      clock: fakeClock(),
    });
    // Assess
    expect(result.failed).toEqual([{ groupId: 'group-x', code: 'FlowLimitExceeded' }]);
  });

  it('stops paging when the service ignores the cursor and repeats its NextToken', async () => {
    // Prepare
    const f = fakePorts([managed('group-a')]);
    const asked: PageRequest[] = [];
    f.ports.listGroups = async (q) => {
      asked.push(q);
      return { items: [managed('group-a')], nextToken: 'again' };
    };
    // Act
    const result = await runCleanup(f.ports, {
      managedTag: TAG,
      maxAgeDays: 30,
      dryRun: true,
      pageSize: 10,
      clock: fakeClock(),
    });
    // Assess
    expect(asked).toEqual([{ maxResults: 10 }, { maxResults: 10, nextToken: 'again' }]);
    expect(result.listCalls).toBe(3); // two group pages, one (empty) asset page
  });
});

describe('rateLimiter', () => {
  it('never starts more than N calls in any one-second window', async () => {
    // Prepare
    const clock = fakeClock(5_000);
    const limiter = rateLimiter(5, clock);
    const starts: number[] = [];
    // Act
    for (let i = 0; i < 17; i++) {
      await limiter.take();
      starts.push(clock.now());
    }
    // Assess
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(starts[0]).toBe(5_000);
  });

  it('does not wait when calls are already slower than the limit', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = rateLimiter(5, clock);
    // Act
    await limiter.take();
    clock.t += 1000;
    const before = clock.now();
    await limiter.take();
    // Assess
    expect(clock.now()).toBe(before);
  });
});
