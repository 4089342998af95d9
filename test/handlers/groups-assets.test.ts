import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assetPageResponse, assetResponse } from '../../functions/core/api-schemas/groups';
import { logger } from '../../functions/shared/logger';
import { errorCode } from './api-event';
import {
  createGroup,
  createSettledAsset,
  startHarness,
  startImageServer,
  upstreamClient,
  type Harness,
} from './groups-harness';

let h: Harness;
let image: Awaited<ReturnType<typeof startImageServer>>;
let groupId: string;
let activeId: string;
let failedId: string;

beforeAll(async () => {
  logger.setSink(() => undefined);
  h = await startHarness();
  image = await startImageServer();
  groupId = await createGroup(h, 'With assets');
  activeId = await createSettledAsset(h, groupId, image.url);
  h.sim.control.forceAssetFailure('FaceMismatch');
  failedId = await createSettledAsset(h, groupId, image.url);
  h.sim.control.forceAssetFailure(null);
});
afterAll(async () => {
  await image.close();
  await h.close();
});
beforeEach(() => {
  h.sim.control.clearFaults();
});

describe('GET /groups/{groupId}/assets', () => {
  it('lists the assets with asset:// URIs and lower-case statuses, never the file URL', async () => {
    // Prepare
    const init = { pathParameters: { groupId } };
    // Act
    const res = await h.call('listGroupAssets', init);
    // Assess
    expect(res.status).toBe(200);
    const page = assetPageResponse.parse(res.body);
    expect(page.total).toBe(2);
    const byId = Object.fromEntries(page.items.map((a) => [a.assetId, a]));
    expect(byId[activeId]).toMatchObject({ status: 'active', assetUri: `asset://${activeId}`, groupId });
    expect(byId[failedId]).toMatchObject({ status: 'failed', error: { code: 'FaceMismatch' } });
    expect(JSON.stringify(res.body)).not.toMatch(/X-Signature|X-Expires|"url"/i);
  });

  it('filters by status', async () => {
    // Prepare
    const init = { pathParameters: { groupId }, query: { status: 'active' } };
    // Act
    const res = await h.call('listGroupAssets', init);
    // Assess
    const page = assetPageResponse.parse(res.body);
    expect(page.items.map((a) => a.assetId)).toEqual([activeId]);
  });

  it('answers 404 for an unknown group instead of an empty page', async () => {
    // Prepare
    const init = { pathParameters: { groupId: 'group-20990101000000-ghost' } };
    // Act
    const res = await h.call('listGroupAssets', init);
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it.each([
    [{ status: 'Active' }, 'status'],
    [{ status: 'done' }, 'status'],
    [{ pageSize: '1000' }, 'pageSize'],
  ])('answers 400 for query %j', async (query, field) => {
    // Prepare
    const init = { pathParameters: { groupId }, query };
    // Act
    const res = await h.call('listGroupAssets', init);
    // Assess
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(`"field":"${field}"`);
  });

  it('answers 503 when ListAssets is throttled', async () => {
    // Prepare
    h.sim.control.setFaults([
      { action: 'ListAssets', rate: 1, count: 1, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
    ]);
    // Act
    const res = await h.call('listGroupAssets', { pathParameters: { groupId } });
    // Assess
    expect(res.status).toBe(503);
    expect(errorCode(res)).toBe('UpstreamThrottled');
  });
});

describe('POST /assets (adopt)', () => {
  it('adopts an Active asset of this project', async () => {
    // Prepare
    const body = { assetId: activeId };
    // Act
    const res = await h.call('adoptAsset', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(200);
    expect(assetResponse.parse(res.body)).toMatchObject({ assetId: activeId, status: 'active', groupId });
  });

  it('answers 409 AssetNotActive for a Failed asset, with the upstream reason', async () => {
    // Prepare
    const body = { assetId: failedId };
    // Act
    const res = await h.call('adoptAsset', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(409);
    expect(errorCode(res)).toBe('AssetNotActive');
    expect(res.body).toMatchObject({
      error: { details: { status: 'Failed', upstreamError: { code: 'FaceMismatch' } } },
    });
  });

  it('answers 409 AssetNotActive for an asset still Processing', async () => {
    // Prepare
    h.sim.control.update({ assetDelayMs: [10_000_000, 10_000_000] });
    const client = await upstreamClient(h);
    const { id } = await client.createAsset({ groupId, url: image.url, assetType: 'Image' });
    h.sim.control.update({ assetDelayMs: [10, 20] });
    // Act
    const res = await h.call('adoptAsset', { method: 'POST', body: { assetId: id } });
    // Assess
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'AssetNotActive', details: { status: 'Processing' } } });
  });

  it('answers 404 NotFound for an unknown asset', async () => {
    // Prepare
    const body = { assetId: 'asset-20990101000000-ghost' };
    // Act
    const res = await h.call('adoptAsset', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it.each([
    ['malformed JSON', '{"assetId":', 'InvalidJson'],
    ['a missing assetId', {}, 'ValidationError'],
    ['a wrong-typed assetId', { assetId: 7 }, 'ValidationError'],
    ['a group ID instead of an asset ID', { assetId: 'group-20260101000000-abcde' }, 'ValidationError'],
    ['an asset:// URI instead of an ID', { assetId: 'asset://asset-1' }, 'ValidationError'],
  ])('answers 400 for %s', async (_label, body, code) => {
    // Prepare
    const init = { method: 'POST', body };
    // Act
    const res = await h.call('adoptAsset', init);
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it('answers 502 when GetAsset fails upstream', async () => {
    // Prepare
    h.sim.control.setFaults([
      { action: 'GetAsset', rate: 1, count: 1, kind: 'error', status: 500, code: 'InternalError' },
    ]);
    // Act
    const res = await h.call('adoptAsset', { method: 'POST', body: { assetId: activeId } });
    // Assess
    expect(res.status).toBe(502);
    expect(errorCode(res)).toBe('UpstreamError');
  });
});

describe('GET /assets/{assetId}', () => {
  it('answers the asset', async () => {
    // Prepare
    const init = { pathParameters: { assetId: activeId } };
    // Act
    const res = await h.call('getAsset', init);
    // Assess
    expect(res.status).toBe(200);
    expect(assetResponse.parse(res.body)).toMatchObject({
      assetId: activeId,
      assetUri: `asset://${activeId}`,
    });
    expect(res.body).not.toHaveProperty('url');
  });

  it.each([
    ['asset-20990101000000-ghost', 404, 'NotFound'],
    ['not-an-asset', 400, 'ValidationError'],
  ])('answers %s with %i %s', async (assetId, status, code) => {
    // Prepare
    const init = { pathParameters: { assetId } };
    // Act
    const res = await h.call('getAsset', init);
    // Assess
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
  });

  it('answers 503 when GetAsset is throttled', async () => {
    // Prepare
    h.sim.control.setFaults([
      { action: 'GetAsset', rate: 1, count: 1, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
    ]);
    // Act
    const res = await h.call('getAsset', { pathParameters: { assetId: activeId } });
    // Assess
    expect(res.status).toBe(503);
  });
});

describe('DELETE /assets/{assetId}', () => {
  it('deletes the asset and answers 204', async () => {
    // Prepare
    const id = await createSettledAsset(h, groupId, image.url);
    // Act
    const res = await h.raw('deleteAsset', { method: 'DELETE', pathParameters: { assetId: id } });
    // Assess
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(h.sim.control.assets().some((a) => a.Id === id)).toBe(false);
  });

  it.each([
    [undefined, 'asset-20990101000000-ghost', 404, 'NotFound'],
    [{ kind: 'error', status: 500, code: 'InternalError' } as const, 'asset-x', 502, 'UpstreamError'],
    [{ kind: 'error', status: 429, code: 'FlowLimitExceeded' } as const, 'asset-x', 503, 'UpstreamThrottled'],
  ])('maps fault %j on %s to %i %s', async (fault, assetId, status, code) => {
    // Prepare
    if (fault) h.sim.control.setFaults([{ action: 'DeleteAsset', rate: 1, count: 1, ...fault }]);
    // Act
    const res = await h.call('deleteAsset', { method: 'DELETE', pathParameters: { assetId } });
    // Assess
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
  });
});
