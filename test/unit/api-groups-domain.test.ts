import { describe, expect, it } from 'vitest';
import { assetPageResponse, assetResponse, groupResponse } from '../../functions/core/api-schemas/groups';
import { ApiError } from '../../functions/core/errors';
import {
  assetView,
  checkAdoptable,
  groupView,
  isManaged,
  markDescription,
  markerFor,
  pageView,
  stripMarker,
  toUpstreamStatus,
} from '../../functions/core/groups';
import type { Asset, AssetGroup } from '../../functions/core/volcengine/types';

const TAG = 'SeedanceStack';
const group = (description: string): AssetGroup => ({
  id: 'group-20260101000000-aaaaa',
  name: 'Mia',
  description,
  groupType: 'AIGC',
  projectName: 'default',
  createTime: '2026-01-01T00:00:00Z',
  updateTime: '2026-01-02T00:00:00Z',
});
const asset = (over: Partial<Asset> = {}): Asset => ({
  id: 'asset-20260101000000-bbbbb',
  name: 'front',
  groupId: 'group-20260101000000-aaaaa',
  assetType: 'Image',
  status: 'Active',
  url: 'https://tos.example.com/a.png?X-Signature=abc',
  projectName: 'default',
  createTime: '2026-01-01T00:00:00Z',
  updateTime: '2026-01-01T00:01:00Z',
  ...over,
});

describe('managed marker', () => {
  it('appends the marker after the caller description and strips it back', () => {
    // Prepare
    const text = 'red-haired host';
    // Act
    const marked = markDescription(text, TAG);
    // Assess
    expect(marked).toBe('red-haired host [managed-by:SeedanceStack]');
    expect(isManaged(marked, TAG)).toBe(true);
    expect(stripMarker(marked, TAG)).toBe(text);
  });

  it('marks a group without description with the marker alone', () => {
    // Prepare
    const text = undefined;
    // Act
    const marked = markDescription(text, TAG);
    // Assess
    expect(marked).toBe('[managed-by:SeedanceStack]');
    expect(stripMarker(marked, TAG)).toBe('');
  });

  it("does not count another stack's marker or a marker in the middle as ours", () => {
    // Prepare
    const other = markDescription('x', 'OtherStack');
    const middle = `[managed-by:${TAG}] and more`;
    // Act
    const results = [
      isManaged(other, TAG),
      isManaged(middle, TAG),
      isManaged('', TAG),
      isManaged(undefined, TAG),
    ];
    // Assess
    expect(results).toEqual([false, false, false, false]);
    expect(stripMarker(other, TAG)).toBe(other);
  });

  it('rejects tags that could break the marker', () => {
    // Prepare
    const bad = ['', 'has space', 'close]bracket', 'x'.repeat(81)];
    // Act
    const thrown = bad.map((t) => {
      try {
        markerFor(t);
        return false;
      } catch {
        return true;
      }
    });
    // Assess
    expect(thrown).toEqual([true, true, true, true]);
  });

  it('fits the longest allowed description with the longest tag in the upstream 300 characters', () => {
    // Prepare
    const description = 'd'.repeat(200);
    // Act
    const marked = markDescription(description, 't'.repeat(80));
    // Assess
    expect(marked.length).toBeLessThanOrEqual(300);
  });
});

describe('views', () => {
  it('groupView renames fields, hides the marker and flags managed groups', () => {
    // Prepare
    const g = group(markDescription('about', TAG));
    // Act
    const view = groupView(g, TAG);
    // Assess
    expect(view).toEqual({
      groupId: g.id,
      name: 'Mia',
      description: 'about',
      projectName: 'default',
      groupType: 'AIGC',
      managed: true,
      createdAt: g.createTime,
      updatedAt: g.updateTime,
    });
    expect(groupResponse.parse(view)).toEqual(view);
  });

  it('assetView gives an asset:// URI, a lower-case status and never the file URL', () => {
    // Prepare
    const a = asset({ status: 'Failed', error: { code: 'FaceMismatch', message: 'no match' } });
    // Act
    const view = assetView(a);
    // Assess
    expect(view).toMatchObject({ assetId: a.id, assetUri: `asset://${a.id}`, status: 'failed' });
    expect(view.error).toEqual({
      code: 'FaceMismatch',
      message: 'no match',
      hint: expect.stringContaining('does not match the person verified for this LivenessFace group'),
    });
    expect(JSON.stringify(view)).not.toContain('X-Signature');
    expect(assetResponse.parse(view)).toEqual(view);
  });

  it('pageView maps items and keeps the paging numbers', () => {
    // Prepare
    const page = { items: [asset()], totalCount: 7, pageNumber: 2, pageSize: 1 };
    // Act
    const view = pageView(page, assetView);
    // Assess
    expect(assetPageResponse.parse(view)).toMatchObject({ total: 7, pageNumber: 2, pageSize: 1 });
  });

  it('toUpstreamStatus maps the API statuses back', () => {
    // Prepare
    const statuses = ['processing', 'active', 'failed'] as const;
    // Act
    const upstream = statuses.map(toUpstreamStatus);
    // Assess
    expect(upstream).toEqual(['Processing', 'Active', 'Failed']);
  });
});

describe('checkAdoptable', () => {
  it('accepts an Active asset of our project', () => {
    // Prepare
    const a = asset();
    // Act
    const run = () => checkAdoptable(a, 'default');
    // Assess
    expect(run).not.toThrow();
  });

  it.each([
    [asset({ status: 'Processing' }), 'AssetNotActive'],
    [asset({ status: 'Failed' }), 'AssetNotActive'],
    [asset({ projectName: 'other' }), 'AssetInOtherProject'],
  ])('refuses %j with 409 %s', (a, code) => {
    // Prepare
    let error: unknown;
    // Act
    try {
      checkAdoptable(a, 'default');
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code });
  });
});
