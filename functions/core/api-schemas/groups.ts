/**
 * Request schemas of the group and asset routes. The handlers validate with them and the OpenAPI
 * generator documents them, so the contract is written once.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { ASSET_ID_PATTERN, GROUP_ID_PATTERN } from '../ids';

/** Upstream IDs look like `group-20260318035710-abcde`; anything else cannot exist, so it never goes upstream. */
export const groupIdSchema = z
  .string()
  .check(z.maxLength(128), z.regex(GROUP_ID_PATTERN, 'must be a group ID (group-...)'));
export const assetIdSchema = z
  .string()
  .check(z.maxLength(128), z.regex(ASSET_ID_PATTERN, 'must be an asset ID (asset-...)'));

export const groupPathSchema = z.object({ groupId: groupIdSchema });

export const deleteGroupQuery = z.object({
  force: z
    .optional(z.enum(['true', 'false']))
    .check(
      z.describe('Required (true) to delete a group this stack did not create, or a LivenessFace group'),
    ),
});
export const assetPathSchema = z.object({ assetId: assetIdSchema });

/**
 * Upstream allows 300 characters of description; 200 are the caller's, the rest is room for the
 * "managed by this stack" marker appended on creation (functions/core/groups/marker.ts).
 */
export const MAX_GROUP_DESCRIPTION = 200;

export const createGroupBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  description: z.optional(z.string().check(z.trim(), z.maxLength(MAX_GROUP_DESCRIPTION))),
});
export type CreateGroupBody = z.infer<typeof createGroupBody>;

const pageNumber = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100_000)), 1);
const pageSize = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20);

export const listGroupsQuery = z.object({
  pageNumber,
  pageSize,
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  groupType: z
    ._default(z.enum(['AIGC', 'LivenessFace']), 'AIGC')
    .check(z.describe('LivenessFace lists the real-person characters (upstream lists one type at a time)')),
});
export type ListGroupsQuery = z.infer<typeof listGroupsQuery>;

export const assetStatusParam = z.enum(['processing', 'active', 'failed']);

export const listGroupAssetsQuery = z.object({
  status: z.optional(assetStatusParam),
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
  groupType: z.string().check(z.describe('AIGC, or LivenessFace for a real-person character')),
  managed: z.boolean().check(z.describe('Created by this stack (carries its marker; cleanup may delete it)')),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const assetResponse = z.object({
  assetId: z.string(),
  assetUri: z.string().check(z.describe('What a video request references: asset://<assetId>')),
  groupId: z.string(),
  assetType: z.string(),
  status: assetStatusParam,
  name: z.string(),
  projectName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.optional(z.object({ code: z.string(), message: z.string(), hint: z.string() })),
});

const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().check(z.int()),
    pageNumber: z.number().check(z.int()),
    pageSize: z.number().check(z.int()),
  });

export const groupPageResponse = pageOf(groupResponse);
export const assetPageResponse = pageOf(assetResponse);
