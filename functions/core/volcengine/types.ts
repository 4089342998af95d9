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

export interface Page<T> {
  items: T[];
  totalCount: number;
  pageNumber: number;
  pageSize: number;
}

export interface PageQuery {
  pageNumber?: number;
  /** ≤ 100. */
  pageSize?: number;
  sortBy?: 'CreateTime' | 'UpdateTime' | 'GroupId';
  sortOrder?: 'Desc' | 'Asc';
}

export interface ListAssetGroupsQuery extends PageQuery {
  filter?: { groupIds?: string[]; name?: string };
}

export interface ListAssetsQuery extends PageQuery {
  filter?: { groupIds?: string[]; statuses?: AssetStatus[]; name?: string };
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
