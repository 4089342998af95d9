/** Assets of the upstream library: rows of the route table (lib/routes.ts composes every area in one table). */
import {
  adoptAssetBody,
  assetPageResponse,
  assetPathSchema,
  assetResponse,
  groupPathSchema,
  listGroupAssetsQuery,
} from '../../functions/core/api-schemas/groups';
import { defineRoutes } from './row';

export const assetRoutes = defineRoutes({
  listGroupAssets: {
    method: 'GET',
    path: '/groups/{groupId}/assets',
    handler: 'functions/api/list-group-assets.ts',
    summary: 'List the assets of a group',
    access: ['upstream'],
    status: 200,
    request: { path: groupPathSchema, query: listGroupAssetsQuery },
    response: assetPageResponse,
    errors: [],
  },
  adoptAsset: {
    method: 'POST',
    path: '/assets',
    handler: 'functions/api/adopt-asset.ts',
    summary: 'Adopt an asset made elsewhere (e.g. a real-person asset)',
    access: ['upstream'],
    status: 200,
    request: { body: adoptAssetBody },
    response: assetResponse,
    errors: ['AssetInOtherProject', 'AssetNotActive'],
  },
  getAsset: {
    method: 'GET',
    path: '/assets/{assetId}',
    handler: 'functions/api/get-asset.ts',
    summary: 'Get one asset',
    access: ['upstream'],
    status: 200,
    request: { path: assetPathSchema },
    response: assetResponse,
    errors: [],
  },
  deleteAsset: {
    method: 'DELETE',
    path: '/assets/{assetId}',
    handler: 'functions/api/delete-asset.ts',
    summary: 'Delete one asset',
    access: ['upstream'],
    status: 204,
    request: { path: assetPathSchema },
    errors: [],
  },
});
