// Expansion of {groupId} references (functions/core/video/groups.ts) over a scripted asset source: the
// documented order, the kind filter, the model's room, LivenessFace groups, and the two 400s.
import { describe, expect, it } from 'vitest';
import { createVideoBody } from '../../functions/core/api-schemas/videos';
import { UpstreamError } from '../../functions/core/errors';
import {
  bodyFromMedia,
  buildCreateTaskInput,
  expandGroupReferences,
  mediaList,
  MODEL_TABLE,
} from '../../functions/core/video';
import type { Asset, AssetGroup, ScanAssetsQuery } from '../../functions/core/volcengine/types';

const asset = (
  id: string,
  groupId: string,
  createTime: string,
  assetType: Asset['assetType'] = 'Image',
): Asset => ({
  id,
  name: '',
  groupId,
  assetType,
  status: 'Active',
  projectName: 'default',
  createTime,
  updateTime: createTime,
});

function source(groups: Record<string, { type?: string; project?: string; assets: Asset[] }>) {
  const queries: ScanAssetsQuery[] = [];
  return {
    queries,
    getAssetGroup(id: string): Promise<AssetGroup> {
      const g = groups[id];
      if (!g)
        return Promise.reject(
          new UpstreamError({ service: 'volcengine', code: 'NotFound.group_id', status: 404, message: 'no' }),
        );
      return Promise.resolve({
        id,
        name: id,
        description: '',
        groupType: g.type ?? 'AIGC',
        projectName: g.project ?? 'default',
        createTime: '',
        updateTime: '',
      });
    },
    async *iterateAssets(q: ScanAssetsQuery): AsyncIterable<Asset> {
      queries.push(q);
      // Upstream's own order is not trusted: served newest first here.
      const all = Object.values(groups).flatMap((g) => g.assets);
      for (const a of [...all].reverse()) if (q.filter?.groupIds?.includes(a.groupId)) yield a;
    },
  };
}

const body = (raw: unknown) => createVideoBody.parse(raw);
const G = 'group-20260101000000-aaaaa';

describe('expanding {groupId} references', () => {
  it('orders by CreateTime then ID, keeps only the kind, and keeps the caller order around it', async () => {
    // Arrange
    const src = source({
      [G]: {
        assets: [
          asset('asset-b', G, '2026-01-01T00:00:05Z'),
          asset('asset-a', G, '2026-01-01T00:00:05Z'),
          asset('asset-0', G, '2026-01-01T00:00:01Z'),
          asset('asset-clip', G, '2026-01-01T00:00:00Z', 'Video'),
        ],
      },
    });
    // Act
    const { body: out, origins } = await expandGroupReferences(
      body({ prompt: 'p', references: [{ url: 'https://e.com/x.png' }, { groupId: G }] }),
      src,
      MODEL_TABLE['seedance-2.0'],
      'default',
    );
    // Assess
    expect(out.references).toEqual([
      { url: 'https://e.com/x.png' },
      { assetId: 'asset-0' },
      { assetId: 'asset-a' },
      { assetId: 'asset-b' },
    ]);
    expect(mediaList(out, origins).map((m) => [m.placeholder, m.assetId ?? m.url, m.groupId])).toEqual([
      ['Image 1', 'https://e.com/x.png', undefined],
      ['Image 2', 'asset-0', G],
      ['Image 3', 'asset-a', G],
      ['Image 4', 'asset-b', G],
    ]);
    expect(src.queries[0]).toMatchObject({
      filter: { groupIds: [G], groupType: 'AIGC', statuses: ['Active'] },
      sortBy: 'CreateTime',
      sortOrder: 'Asc',
    });
  });

  it("stops at the model's room and lists a LivenessFace group under its own type", async () => {
    // Arrange
    const many = Array.from({ length: 12 }, (_, i) =>
      asset(`asset-${String(i).padStart(2, '0')}`, G, `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`),
    );
    const src = source({ [G]: { type: 'LivenessFace', assets: many } });
    // Act
    const { body: out } = await expandGroupReferences(
      body({ prompt: 'p', references: [{ assetId: 'asset-single' }, { groupId: G }] }),
      src,
      MODEL_TABLE['seedance-2.0'],
      'default',
    );
    // Assess: 9 images in all, the single one first.
    expect(out.references).toHaveLength(9);
    expect(out.references?.[8]).toEqual({ assetId: 'asset-07' });
    expect(src.queries[0]?.filter?.groupType).toBe('LivenessFace');
  });

  it('refuses a group of another project, a missing one and one without the kind', async () => {
    // Arrange
    const src = source({
      [G]: { assets: [asset('asset-1', G, '2026-01-01T00:00:00Z')] },
      'group-other': { project: 'elsewhere', assets: [] },
    });
    const rules = MODEL_TABLE['seedance-2.0'];
    const run = (raw: unknown) =>
      expandGroupReferences(body(raw), src, rules, 'default').catch((e: unknown) => e);
    // Act
    const [foreign, missing, noClip] = await Promise.all([
      run({ prompt: 'p', references: [{ groupId: 'group-other' }] }),
      run({ prompt: 'p', references: [{ groupId: 'group-20990101000000-zzzzz' }] }),
      run({ prompt: 'p', references: [{ groupId: G }], referenceVideos: [{ groupId: G }] }),
    ]);
    // Assess
    expect(foreign).toMatchObject({ status: 400, code: 'GroupNotFound' });
    expect(missing).toMatchObject({ status: 400, code: 'GroupNotFound' });
    expect(noClip).toMatchObject({
      status: 400,
      code: 'GroupHasNoActiveAssets',
      details: { assetType: 'Video' },
    });
  });
});

describe('rebuilding a request from its recorded media', () => {
  it('gives back the expanded request, with the groups it came from', async () => {
    // Arrange
    const src = source({
      [G]: {
        assets: [asset('asset-1', G, '2026-01-01T00:00:01Z'), asset('asset-2', G, '2026-01-01T00:00:02Z')],
      },
    });
    const original = body({
      prompt: 'Image 1 and Image 2 sing with Audio 1',
      references: [{ groupId: G }],
      referenceAudios: [{ url: 'https://e.com/a.mp3', durationSeconds: 4 }],
      resolution: '480p',
    });
    const expanded = await expandGroupReferences(original, src, MODEL_TABLE['seedance-2.0'], 'default');
    const media = mediaList(expanded.body, expanded.origins);
    // Act
    const rebuilt = bodyFromMedia(original, media);
    // Assess: the same upstream request and the same media map, without asking the group again.
    const model = 'doubao-seedance-2-0-260128';
    expect(buildCreateTaskInput(rebuilt.body, { model, seed: 1 })).toEqual(
      buildCreateTaskInput(expanded.body, { model, seed: 1 }),
    );
    expect(mediaList(rebuilt.body, rebuilt.origins)).toEqual(media);
    expect(rebuilt.body.resolution).toBe('480p');
  });
});
