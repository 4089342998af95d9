/** Domain shapes of the Volcengine Ark asset library (camelCase; the client maps the PascalCase wire form). */

export type AssetStatus = 'Processing' | 'Active' | 'Failed';
export type AssetType = 'Image' | 'Video' | 'Audio';

export interface AssetGroup {
  id: string;
  name: string;
  title?: string;
  description: string;
  groupType: string;
  projectName: string;
  createTime: string;
  updateTime: string;
}

export interface Asset {
  id: string;
  name: string;
  groupId: string;
  assetType: AssetType;
  status: AssetStatus;
  /** 12 h presigned URL of the stored file; never log it. */
  url?: string;
  projectName: string;
  createTime: string;
  updateTime: string;
  moderation?: unknown;
  error?: { code: string; message: string };
}

/** `AIGC` groups are made by CreateAssetGroup; `LivenessFace` groups only by the real-person check. */
export type GroupType = 'AIGC' | 'LivenessFace';

/** A numbered page (PageNumber/PageSize): what the REST API's page numbers map to. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  pageNumber: number;
  pageSize: number;
}

/** A cursor page (MaxResults/NextToken): no total; `nextToken` absent on the last page. */
export interface CursorPage<T> {
  items: T[];
  nextToken?: string;
}

interface SortQuery {
  sortBy?: 'CreateTime' | 'UpdateTime' | 'GroupId';
  sortOrder?: 'Desc' | 'Asc';
}

/**
 * Numbered paging. Upstream refuses deep page numbers (groups past 10,000 items, assets past 20,000):
 * scans use the cursor instead.
 */
export interface PageQuery extends SortQuery {
  pageNumber?: number;
  /** ≤ 100. */
  pageSize?: number;
}

/** Cursor paging, the default upstream; never mixed with page numbers in one call. */
export interface CursorQuery extends SortQuery {
  /** 1–100 (default 100). */
  maxResults?: number;
  nextToken?: string;
}

export interface GroupFilter {
  groupIds?: string[];
  name?: string;
  /** Upstream requires one; `AIGC` unless asked. */
  groupType?: GroupType;
}

export interface AssetFilter extends GroupFilter {
  statuses?: AssetStatus[];
}

export interface ListAssetGroupsQuery extends PageQuery {
  filter?: GroupFilter;
}

export interface ListAssetsQuery extends PageQuery {
  filter?: AssetFilter;
}

export interface ScanAssetGroupsQuery extends CursorQuery {
  filter?: GroupFilter;
}

export interface ScanAssetsQuery extends CursorQuery {
  filter?: AssetFilter;
}

export interface CreateAssetInput {
  groupId: string;
  /** Public http(s) URL; never logged. */
  url: string;
  assetType: AssetType;
  name?: string;
  moderation?: { strategy: 'Default' | 'Skip' };
}

export interface VolcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
