/**
 * What the REST API returns for groups and assets: camelCase IDs named for the caller (`groupId`,
 * `assetId`, `assetUri`), lower-case statuses, the managed marker replaced by a flag, and never the
 * asset's 12-hour presigned file URL (it would end up in client logs and caches).
 */
import { assetFailureHint } from '../asset-failures';
import type { Asset, AssetGroup, AssetStatus, Page } from '../volcengine/types';
import { isManaged, stripMarker } from './marker';

export interface GroupView {
  groupId: string;
  name: string;
  description: string;
  projectName: string;
  /** `AIGC`, or `LivenessFace` for a real-person character. */
  groupType: string;
  managed: boolean;
  createdAt: string;
  updatedAt: string;
}

export type AssetStatusView = 'processing' | 'active' | 'failed';

export interface AssetView {
  assetId: string;
  /** What a video request references: `asset://<assetId>`. */
  assetUri: string;
  groupId: string;
  assetType: string;
  status: AssetStatusView;
  name: string;
  projectName: string;
  createdAt: string;
  updatedAt: string;
  /** A Failed asset's reason, with what to do about it (asset-failures.ts). */
  error?: { code: string; message: string; hint: string };
}

export interface PageView<T> {
  items: T[];
  total: number;
  pageNumber: number;
  pageSize: number;
}

export function groupView(g: AssetGroup, tag: string): GroupView {
  return {
    groupId: g.id,
    name: g.name,
    description: stripMarker(g.description, tag),
    projectName: g.projectName,
    groupType: g.groupType,
    managed: isManaged(g.description, tag),
    createdAt: g.createTime,
    updatedAt: g.updateTime,
  };
}

const STATUS_VIEW: Record<AssetStatus, AssetStatusView> = {
  Processing: 'processing',
  Active: 'active',
  Failed: 'failed',
};
const STATUS_UPSTREAM: Record<AssetStatusView, AssetStatus> = {
  processing: 'Processing',
  active: 'Active',
  failed: 'Failed',
};

export const assetUri = (assetId: string): string => `asset://${assetId}`;

export function toUpstreamStatus(s: AssetStatusView): AssetStatus {
  return STATUS_UPSTREAM[s];
}

export function assetView(a: Asset): AssetView {
  const view: AssetView = {
    assetId: a.id,
    assetUri: assetUri(a.id),
    groupId: a.groupId,
    assetType: a.assetType,
    status: STATUS_VIEW[a.status] ?? 'processing',
    name: a.name,
    projectName: a.projectName,
    createdAt: a.createTime,
    updatedAt: a.updateTime,
  };
  if (a.error)
    view.error = { code: a.error.code, message: a.error.message, hint: assetFailureHint(a.error.code) };
  return view;
}

export function pageView<T, V>(page: Page<T>, map: (item: T) => V): PageView<V> {
  return {
    items: page.items.map(map),
    total: page.totalCount,
    pageNumber: page.pageNumber,
    pageSize: page.pageSize,
  };
}
