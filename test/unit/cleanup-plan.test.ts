import { describe, expect, it } from 'vitest';
import {
  planCleanup,
  recordAssetActivity,
  summarize,
  type PlanInput,
} from '../../functions/core/cleanup/plan';
import { collectReferences, emptyReferences, groupsInUse } from '../../functions/core/cleanup/references';
import { markDescription } from '../../functions/core/groups';
import type { AssetGroup } from '../../functions/core/volcengine/types';

const TAG = 'SeedanceStack';
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function group(
  id: string,
  createdDaysAgo: number,
  opts: { managed?: boolean; updatedDaysAgo?: number } = {},
): AssetGroup {
  return {
    id,
    name: id,
    description: opts.managed === false ? 'hand-made' : markDescription('', TAG),
    groupType: 'AIGC',
    projectName: 'default',
    createTime: daysAgo(createdDaysAgo),
    updateTime: daysAgo(opts.updatedDaysAgo ?? createdDaysAgo),
  };
}

function input(groups: AssetGroup[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    groups,
    lastAssetActivity: new Map(),
    inUseGroupIds: new Set(),
    managedTag: TAG,
    maxAgeDays: 30,
    now: NOW,
    ...over,
  };
}

describe('planCleanup', () => {
  it('deletes an old managed group with no assets and no use', () => {
    // Prepare
    const plan = input([group('group-old', 40)]);
    // Act
    const decisions = planCleanup(plan);
    // Assess
    expect(decisions).toEqual([{ groupId: 'group-old', action: 'delete', lastActivity: daysAgo(40) }]);
  });

  it('keeps every group that misses one condition, with the reason', () => {
    // Prepare
    const activity = new Map([
      ['group-recent-asset', Date.parse(daysAgo(2))],
      ['group-old-asset', Date.parse(daysAgo(35))],
    ]);
    const plan = input(
      [
        group('group-unmanaged', 400, { managed: false }),
        group('group-young', 10),
        group('group-renamed', 90, { updatedDaysAgo: 5 }),
        group('group-recent-asset', 90),
        group('group-in-use', 90),
        group('group-old-asset', 90),
        { ...group('group-bad-date', 90), createTime: 'yesterday' },
      ],
      { lastAssetActivity: activity, inUseGroupIds: new Set(['group-in-use']) },
    );
    // Act
    const decisions = planCleanup(plan);
    // Assess
    expect(decisions.map((d) => [d.groupId, d.action === 'keep' ? d.reason : 'delete'])).toEqual([
      ['group-unmanaged', 'unmanaged'],
      ['group-young', 'recent-group'],
      ['group-renamed', 'recent-group'],
      ['group-recent-asset', 'recent-asset'],
      ['group-in-use', 'in-use'],
      ['group-old-asset', 'delete'],
      ['group-bad-date', 'bad-timestamp'],
    ]);
  });

  it('treats the cutoff itself as old enough (strictly newer activity keeps)', () => {
    // Prepare
    const plan = input([group('group-edge', 30), group('group-just-inside', 29.999)]);
    // Act
    const decisions = planCleanup(plan);
    // Assess
    expect(decisions.map((d) => d.action)).toEqual(['delete', 'keep']);
  });

  it('summarize counts deletions and each keep reason', () => {
    // Prepare
    const decisions = planCleanup(
      input([group('a', 40), group('b', 40), group('c', 1), group('d', 40, { managed: false })]),
    );
    // Act
    const s = summarize(decisions);
    // Assess
    expect(s).toMatchObject({ groups: 4, managed: 3, toDelete: 2 });
    expect(s.kept).toMatchObject({ 'recent-group': 1, unmanaged: 1 });
  });
});

describe('recordAssetActivity', () => {
  it('keeps the latest of created and updated times per group', () => {
    // Prepare
    const map = new Map<string, number>();
    // Act
    recordAssetActivity(map, { groupId: 'g', createTime: daysAgo(50), updateTime: daysAgo(40) });
    recordAssetActivity(map, { groupId: 'g', createTime: daysAgo(45), updateTime: daysAgo(45) });
    recordAssetActivity(map, { groupId: 'h', createTime: daysAgo(3), updateTime: daysAgo(3) });
    // Assess
    expect(map.get('g')).toBe(Date.parse(daysAgo(40)));
    expect(map.get('h')).toBe(Date.parse(daysAgo(3)));
  });

  it('an unreadable asset time makes the group count as recently active', () => {
    // Prepare
    const map = new Map<string, number>();
    recordAssetActivity(map, { groupId: 'g', createTime: daysAgo(90), updateTime: 'garbage' });
    recordAssetActivity(map, { groupId: 'g', createTime: daysAgo(90), updateTime: daysAgo(90) });
    // Act
    const decisions = planCleanup(input([group('g', 90)], { lastAssetActivity: map }));
    // Assess
    expect(decisions[0]).toMatchObject({ action: 'keep', reason: 'recent-asset' });
  });
});

describe('references of running executions', () => {
  it('finds asset:// URIs, asset IDs and group IDs anywhere in the input', () => {
    // Prepare
    const video = JSON.stringify({
      videoId: 'v1',
      request: {
        prompt: 'Image 1 waves',
        references: [{ assetId: 'asset-20260101000000-aaaaa' }, { url: 'https://x/y.png' }],
        content: [{ type: 'image_url', image_url: { url: 'asset://asset-20260101000000-bbbbb' } }],
      },
    });
    const upload = JSON.stringify({
      uploadId: 'u1',
      groupId: 'group-20260101000000-ccccc',
      key: 'incoming/x',
    });
    // Act
    const refs = collectReferences(upload, collectReferences(video));
    // Assess
    expect([...refs.assetIds].sort()).toEqual(['asset-20260101000000-aaaaa', 'asset-20260101000000-bbbbb']);
    expect([...refs.groupIds]).toEqual(['group-20260101000000-ccccc']);
  });

  it('scans input that is not JSON as text and ignores an empty input', () => {
    // Prepare
    const refs = emptyReferences();
    // Act
    collectReferences('see asset://asset-1 (truncated', refs);
    collectReferences(undefined, refs);
    // Assess
    expect([...refs.assetIds]).toEqual(['asset-1']);
  });

  it('groupsInUse resolves referenced assets to their groups', () => {
    // Prepare
    const refs = collectReferences(
      JSON.stringify({ a: 'asset://asset-x', g: 'group-direct', b: 'asset-gone' }),
    );
    const groupOf = new Map([['asset-x', 'group-of-x']]);
    // Act
    const inUse = groupsInUse(refs, groupOf);
    // Assess
    expect([...inUse].sort()).toEqual(['group-direct', 'group-of-x']);
  });
});
