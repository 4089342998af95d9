/**
 * Request schemas of the group and asset routes. The handlers validate with them and the OpenAPI
 * generator documents them, so the contract is written once.
 */
import * as z from 'zod';
import { ASSET_ID_PATTERN, GROUP_ID_PATTERN } from '../ids';

/** Upstream IDs look like `group-20260318035710-abcde`; anything else cannot exist, so it never goes upstream. */
export const groupIdSchema = z.string().max(128).regex(GROUP_ID_PATTERN, 'must be a group ID (group-...)');
export const assetIdSchema = z.string().max(128).regex(ASSET_ID_PATTERN, 'must be an asset ID (asset-...)');

export const groupPathSchema = z.object({ groupId: groupIdSchema });

export const deleteGroupQuery = z.object({
  force: z
    .enum(['true', 'false'])
    .optional()
    .describe('Required (true) to delete a group this stack did not create, or a LivenessFace group'),
});
export const assetPathSchema = z.object({ assetId: assetIdSchema });

/**
 * Upstream allows 300 characters of description; 200 are the caller's, the rest is room for the
 * "managed by this stack" marker appended on creation (functions/core/groups/marker.ts).
 */
export const MAX_GROUP_DESCRIPTION = 200;

export const createGroupBody = z.strictObject({
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(MAX_GROUP_DESCRIPTION).optional(),
});
export type CreateGroupBody = z.infer<typeof createGroupBody>;

const pageNumber = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(100).default(20);

export const listGroupsQuery = z.object({
  pageNumber,
  pageSize,
  name: z.string().trim().min(1).max(64).optional(),
});
export type ListGroupsQuery = z.infer<typeof listGroupsQuery>;

export const assetStatusParam = z.enum(['processing', 'active', 'failed']);

export const listGroupAssetsQuery = z.object({
  status: assetStatusParam.optional(),
  pageNumber,
  pageSize,
});
export type ListGroupAssetsQuery = z.infer<typeof listGroupAssetsQuery>;

export const adoptAssetBody = z.strictObject({ assetId: assetIdSchema });
export type AdoptAssetBody = z.infer<typeof adoptAssetBody>;

// ---- answers (documented in OpenAPI; tests check the handlers' views against them) ----

export const groupResponse = z.object({
  groupId: z.string(),
  name: z.string(),
  description: z.string(),
  projectName: z.string(),
  managed: z.boolean().describe('Created by this stack (carries its marker; cleanup may delete it)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const assetResponse = z.object({
  assetId: z.string(),
  assetUri: z.string().describe('What a video request references: asset://<assetId>'),
  groupId: z.string(),
  assetType: z.string(),
  status: assetStatusParam,
  name: z.string(),
  projectName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    pageNumber: z.number().int(),
    pageSize: z.number().int(),
  });

export const groupPageResponse = pageOf(groupResponse);
export const assetPageResponse = pageOf(assetResponse);

export const groupSchemas = {
  createGroup: { body: createGroupBody, response: groupResponse },
  listGroups: { query: listGroupsQuery, response: groupPageResponse },
  getGroup: { path: groupPathSchema, response: groupResponse },
  deleteGroup: { path: groupPathSchema, query: deleteGroupQuery },
  listGroupAssets: { path: groupPathSchema, query: listGroupAssetsQuery, response: assetPageResponse },
  adoptAsset: { body: adoptAssetBody, response: assetResponse },
  getAsset: { path: assetPathSchema, response: assetResponse },
  deleteAsset: { path: assetPathSchema },
};
