import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { LIST_AIGC, settledAsset, volcCall, volcOk } from './helpers/clients';
import { startFileServer, type FileServer } from './helpers/file-server';
import { png } from './helpers/images';

let sim: Simulator;
let files: FileServer;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    timeScale: 0.001,
    seed: 7,
    rateLimits: { '*': 0, CreateAsset: 0, GetAsset: 0, DeleteAssetGroup: 0 },
    // Semantics, not limits: the most generous tier (the limits have their own tests).
    tier: 'premium',
  });
  files = await startFileServer({ '/ok.png': { body: png(600, 800), contentType: 'image/png' } });
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

const createGroup = async (name: string, project?: string, description?: string) =>
  (
    await volcOk(sim, 'CreateAssetGroup', {
      Name: name,
      GroupType: 'AIGC',
      ...(description === undefined ? {} : { Description: description }),
      ...(project ? { ProjectName: project } : {}),
    })
  ).Id as string;

const createAsset = async (groupId: string, project?: string, name?: string) =>
  (
    await volcOk(sim, 'CreateAsset', {
      GroupId: groupId,
      URL: files.url('/ok.png'),
      AssetType: 'Image',
      ...(name === undefined ? {} : { Name: name }),
      ...(project ? { ProjectName: project } : {}),
    })
  ).Id as string;

describe('asset groups', () => {
  it('creates, gets, updates and deletes a group with the documented fields', async () => {
    // Prepare
    const id = await createGroup('hero', 'proj-a', 'the hero');

    // Act
    const got = await volcOk(sim, 'GetAssetGroup', { Id: id, ProjectName: 'proj-a' });
    const updated = await volcOk(sim, 'UpdateAssetGroup', {
      Id: id,
      Name: 'hero-2',
      Description: 'renamed',
      ProjectName: 'proj-a',
    });
    const after = await volcOk(sim, 'GetAssetGroup', { Id: id, ProjectName: 'proj-a' });
    const deleted = await volcOk(sim, 'DeleteAssetGroup', { Id: id, ProjectName: 'proj-a' });
    const gone = await volcCall(sim, 'GetAssetGroup', { Id: id, ProjectName: 'proj-a' });

    // Assess
    expect(got).toEqual({
      Id: id,
      Name: 'hero',
      Title: 'hero',
      Description: 'the hero',
      GroupType: 'AIGC',
      ProjectName: 'proj-a',
      CreateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      UpdateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
    expect(updated).toEqual({ Id: id });
    expect(after).toMatchObject({ Name: 'hero-2', Description: 'renamed' });
    expect(deleted).toEqual({});
    expect(gone.status).toBe(404);
    expect(gone.body.ResponseMetadata.Error?.Code).toBe('NotFound.group_id');
  });

  it('enforces Name ≤ 64 and Description ≤ 300 characters, and GroupType AIGC', async () => {
    // Act
    const name64 = await volcCall(sim, 'CreateAssetGroup', {
      Name: 'n'.repeat(64),
      Description: 'd'.repeat(300),
    });
    const name65 = await volcCall(sim, 'CreateAssetGroup', { Name: 'n'.repeat(65) });
    const desc301 = await volcCall(sim, 'CreateAssetGroup', { Name: 'x', Description: 'd'.repeat(301) });
    const noName = await volcCall(sim, 'CreateAssetGroup', { GroupType: 'AIGC' });
    const badType = await volcCall(sim, 'CreateAssetGroup', { Name: 'x', GroupType: 'Human' });
    const badJson = await volcCall(sim, 'CreateAssetGroup', {}, { rawBody: '{"Name": ' });

    // Assess
    expect(name64.status).toBe(200);
    expect([name65.status, name65.body.ResponseMetadata.Error?.Code]).toEqual([400, 'InvalidParameter.Name']);
    expect([desc301.status, desc301.body.ResponseMetadata.Error?.Code]).toEqual([
      400,
      'InvalidParameter.Description',
    ]);
    expect(noName.body.ResponseMetadata.Error).toMatchObject({ Code: 'MissingParameter', CodeN: 100002 });
    expect(badType.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.GroupType');
    expect([badJson.status, badJson.body.ResponseMetadata.Error?.Code]).toEqual([400, 'InvalidParameter']);
  });
});

describe('projects', () => {
  it('keeps groups and assets per ProjectName; a request without it acts on default', async () => {
    // Prepare
    const foreign = await createGroup('foreign', 'proj-x');
    const foreignAsset = await createAsset(foreign, 'proj-x');

    // Act
    const listDefault = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC', GroupIds: [foreign] },
    });
    const listX = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC', GroupIds: [foreign] },
      ProjectName: 'proj-x',
    });
    const assetsDefault = await volcOk(sim, 'ListAssets', {
      Filter: { GroupType: 'AIGC', GroupIds: [foreign] },
    });
    const getWithout = await volcCall(sim, 'GetAsset', { Id: foreignAsset });
    const deleteWithout = await volcCall(sim, 'DeleteAssetGroup', { Id: foreign });
    const caseMatters = await volcCall(sim, 'GetAssetGroup', { Id: foreign, ProjectName: 'Proj-X' });
    const createInForeign = await volcCall(sim, 'CreateAsset', {
      GroupId: foreign,
      URL: files.url('/ok.png'),
      AssetType: 'Image',
    });

    // Assess
    expect(listDefault).toEqual({ Items: [], NextToken: '' });
    expect(listX).toMatchObject({ Items: [{ Id: foreign, ProjectName: 'proj-x' }] });
    expect(listX.Items).toHaveLength(1);
    expect(assetsDefault).toEqual({ Items: [], NextToken: '' });
    expect([getWithout.status, getWithout.body.ResponseMetadata.Error?.Code]).toEqual([
      404,
      'NotFound.asset_id',
    ]);
    expect([deleteWithout.status, deleteWithout.body.ResponseMetadata.Error?.Code]).toEqual([
      404,
      'NotFound.group_id',
    ]);
    expect(caseMatters.status).toBe(404);
    expect(createInForeign.body.ResponseMetadata.Error?.Code).toBe('NotFound.group_id');
  });
});

describe('assets', () => {
  it('answers CreateAsset at once with Processing, then turns Active with a URL that serves the file', async () => {
    // Prepare
    const gid = await createGroup('assets-1');

    // Act
    const id = await createAsset(gid, undefined, 'front');
    const first = await volcOk(sim, 'GetAsset', { Id: id });
    const final = await settledAsset(sim, id);
    const file = await fetch(final.URL as string);

    // Assess
    expect(id).toMatch(/^asset-\d{14}-[a-z0-9]{5}$/);
    expect(first).toMatchObject({
      Id: id,
      Status: 'Processing',
      GroupId: gid,
      AssetType: 'Image',
      Name: 'front',
    });
    expect(first.URL).toBeUndefined();
    expect(final).toMatchObject({
      Status: 'Active',
      Moderation: { Strategy: 'Default' },
      ProjectName: 'default',
    });
    expect(final.Error).toBeUndefined();
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png(600, 800));
  });

  it('validates CreateAsset parameters synchronously', async () => {
    // Prepare
    const gid = await createGroup('assets-2');
    const base = { GroupId: gid, URL: files.url('/ok.png'), AssetType: 'Image' };

    // Act
    const dataUrl = await volcCall(sim, 'CreateAsset', { ...base, URL: 'data:image/png;base64,AAAA' });
    const ftp = await volcCall(sim, 'CreateAsset', { ...base, URL: 'ftp://host/file.png' });
    const notUrl = await volcCall(sim, 'CreateAsset', { ...base, URL: 'not a url' });
    const badType = await volcCall(sim, 'CreateAsset', { ...base, AssetType: 'Document' });
    const noUrl = await volcCall(sim, 'CreateAsset', { GroupId: gid, AssetType: 'Image' });
    const noGroup = await volcCall(sim, 'CreateAsset', { ...base, GroupId: 'group-20260101000000-zzzzz' });
    const badModeration = await volcCall(sim, 'CreateAsset', { ...base, Moderation: { Strategy: 'Off' } });
    const longName = await volcCall(sim, 'CreateAsset', { ...base, Name: 'n'.repeat(65) });
    const skip = await volcCall(sim, 'CreateAsset', { ...base, Moderation: { Strategy: 'Skip' } });

    // Assess
    const code = (r: Awaited<ReturnType<typeof volcCall>>) => r.body.ResponseMetadata.Error?.Code;
    expect([dataUrl.status, code(dataUrl)]).toEqual([400, 'InvalidParameter.URL']);
    expect(code(ftp)).toBe('InvalidParameter.URL');
    expect(code(notUrl)).toBe('InvalidParameter.URL');
    expect(code(badType)).toBe('InvalidParameter.AssetType');
    expect(code(noUrl)).toBe('MissingParameter');
    expect([noGroup.status, code(noGroup)]).toEqual([404, 'NotFound.group_id']);
    expect(code(badModeration)).toBe('InvalidParameter.Moderation');
    expect(code(longName)).toBe('InvalidParameter.Name');
    expect(skip.status).toBe(200);
    const created = await volcOk(sim, 'GetAsset', { Id: skip.body.Result?.Id });
    expect(created.Moderation).toEqual({ Strategy: 'Skip' });
  });

  it('renames an asset with UpdateAsset and deletes it with DeleteAsset', async () => {
    // Prepare
    const gid = await createGroup('assets-3');
    const id = await createAsset(gid);

    // Act
    const updated = await volcOk(sim, 'UpdateAsset', { Id: id, Name: 'renamed' });
    const got = await volcOk(sim, 'GetAsset', { Id: id });
    const deleted = await volcOk(sim, 'DeleteAsset', { Id: id });
    const again = await volcCall(sim, 'DeleteAsset', { Id: id });
    const missingId = await volcCall(sim, 'GetAsset', {});

    // Assess
    expect(updated).toEqual({ Id: id });
    expect(got.Name).toBe('renamed');
    expect(deleted).toEqual({});
    expect([again.status, again.body.ResponseMetadata.Error?.Code]).toEqual([404, 'NotFound.asset_id']);
    expect(missingId.body.ResponseMetadata.Error?.Code).toBe('MissingParameter');
  });

  it('deletes the assets of a deleted group (cascade)', async () => {
    // Prepare
    const gid = await createGroup('cascade');
    const a1 = await createAsset(gid);
    const a2 = await createAsset(gid);

    // Act
    await volcOk(sim, 'DeleteAssetGroup', { Id: gid });
    const g1 = await volcCall(sim, 'GetAsset', { Id: a1 });
    const g2 = await volcCall(sim, 'GetAsset', { Id: a2 });
    const listed = await volcOk(sim, 'ListAssets', { Filter: { GroupType: 'AIGC', GroupIds: [gid] } });

    // Assess
    expect(g1.status).toBe(404);
    expect(g2.status).toBe(404);
    expect(listed.Items).toEqual([]);
    expect(sim.control.assets().some((a) => a.GroupId === gid)).toBe(false);
  });
});

describe('listing', () => {
  it('pages ListAssetGroups with PageSize ≤ 100 and reports TotalCount, PageNumber, PageSize', async () => {
    // Prepare
    const project = 'paging';
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await createGroup(`page-${i}`, project));

    // Act
    const p1 = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageNumber: 1,
      PageSize: 3,
    });
    const p2 = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageNumber: 2,
      PageSize: 3,
    });
    const p3 = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageNumber: 3,
      PageSize: 3,
    });
    const defaults = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
    });
    const max = await volcCall(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageSize: 100,
    });
    const tooBig = await volcCall(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageSize: 101,
    });
    const zero = await volcCall(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      PageNumber: 0,
    });

    // Assess
    const pageIds = [p1, p2, p3].flatMap((p) => (p.Items as { Id: string }[]).map((g) => g.Id));
    expect(p1).toMatchObject({ TotalCount: 7, PageNumber: 1, PageSize: 3 });
    expect((p3.Items as unknown[]).length).toBe(1);
    expect(new Set(pageIds)).toEqual(new Set(ids));
    expect(pageIds).toHaveLength(7);
    // No paging field: a cursor page of 10 (our default), without TotalCount.
    expect(defaults.Items).toHaveLength(7);
    expect(defaults).not.toHaveProperty('TotalCount');
    expect(max.status).toBe(200);
    expect([tooBig.status, tooBig.body.ResponseMetadata.Error?.Code]).toEqual([
      400,
      'InvalidParameter.PageSize',
    ]);
    expect(zero.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.PageNumber');
  });

  it('filters groups by GroupIds, GroupType and Name, and sorts by CreateTime either way', async () => {
    // Prepare
    const project = 'filters';
    const alpha = await createGroup('Alpha One', project);
    await new Promise((r) => setTimeout(r, 5)); // the sort key keeps milliseconds; ensure they differ
    const beta = await createGroup('beta two', project);

    // Act
    const byName = await volcOk(sim, 'ListAssetGroups', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', Name: 'alpha' },
    });
    const byIds = await volcOk(sim, 'ListAssetGroups', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', GroupIds: [beta] },
    });
    const byType = await volcOk(sim, 'ListAssetGroups', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC' },
    });
    const asc = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      SortBy: 'CreateTime',
      SortOrder: 'Asc',
    });
    const desc = await volcOk(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
    });
    const badSort = await volcCall(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      SortBy: 'Name',
    });
    const badOrder = await volcCall(sim, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      SortOrder: 'Up',
    });
    const badFilter = await volcCall(sim, 'ListAssetGroups', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', GroupIds: 'x' },
    });

    // Assess
    const ids = (p: Record<string, unknown>) => (p.Items as { Id: string }[]).map((g) => g.Id);
    expect(ids(byName)).toEqual([alpha]);
    expect(ids(byIds)).toEqual([beta]);
    expect(byType.Items).toHaveLength(2);
    expect(ids(asc)).toEqual([alpha, beta]);
    expect(ids(desc)).toEqual([beta, alpha]);
    expect(badSort.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.SortBy');
    expect(badOrder.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.SortOrder');
    expect(badFilter.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.Filter.GroupIds');
  });

  it('filters assets by GroupIds, Statuses and Name, and sorts by GroupId', async () => {
    // Prepare
    const project = 'asset-filters';
    const g1 = await createGroup('g1', project);
    const g2 = await createGroup('g2', project);
    const a1 = await createAsset(g1, project, 'face');
    const a2 = await createAsset(g2, project, 'body');
    await settledAsset(sim, a1, project);
    await settledAsset(sim, a2, project);
    sim.control.forceAssetFailure('ContentRestricted');
    const failed = await createAsset(g2, project, 'bad');
    sim.control.forceAssetFailure(null);
    await settledAsset(sim, failed, project);

    // Act
    const inG2 = await volcOk(sim, 'ListAssets', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', GroupIds: [g2] },
    });
    const active = await volcOk(sim, 'ListAssets', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', Statuses: ['Active'] },
    });
    const failedOnly = await volcOk(sim, 'ListAssets', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', Statuses: ['Failed'] },
    });
    const named = await volcOk(sim, 'ListAssets', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', Name: 'FACE' },
    });
    const byGroup = await volcOk(sim, 'ListAssets', {
      Filter: { GroupType: 'AIGC' },
      ProjectName: project,
      SortBy: 'GroupId',
      SortOrder: 'Asc',
    });
    const badStatus = await volcCall(sim, 'ListAssets', {
      ProjectName: project,
      Filter: { GroupType: 'AIGC', Statuses: ['Gone'] },
    });

    // Assess
    const ids = (p: Record<string, unknown>) => (p.Items as { Id: string }[]).map((a) => a.Id);
    expect(new Set(ids(inG2))).toEqual(new Set([a2, failed]));
    expect(new Set(ids(active))).toEqual(new Set([a1, a2]));
    expect(failedOnly.Items).toMatchObject([
      { Id: failed, Status: 'Failed', Error: { Code: 'ContentRestricted' } },
    ]);
    expect(ids(named)).toEqual([a1]);
    const groupOrder = (byGroup.Items as { GroupId: string }[]).map((a) => a.GroupId);
    expect(groupOrder).toEqual([...groupOrder].sort());
    expect(badStatus.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.Filter.Statuses');
  });
});

describe('account-level refusals', () => {
  it('answers AccessDenied (403, 100013) for actions the IAM user lacks, and SubscriptionRequired without entitlement', async () => {
    // Prepare
    const denied = await startSimulator({ port: 0, deniedActions: ['CreateAssetGroup'] });
    const unsubscribed = await startSimulator({ port: 0, assetEntitlement: false });
    try {
      // Act
      const d = await volcCall(denied, 'CreateAssetGroup', { Name: 'x' });
      const allowed = await volcCall(denied, 'ListAssetGroups', LIST_AIGC);
      const s = await volcCall(unsubscribed, 'ListAssetGroups', LIST_AIGC);

      // Assess
      expect(d.status).toBe(403);
      expect(d.body.ResponseMetadata.Error).toMatchObject({ Code: 'AccessDenied', CodeN: 100013 });
      expect(allowed.status).toBe(200);
      expect(s.status).toBe(403);
      expect(s.body.ResponseMetadata.Error?.Code).toBe('SubscriptionRequired');
    } finally {
      await denied.close();
      await unsubscribed.close();
    }
  });
});
