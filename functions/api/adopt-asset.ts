/**
 * POST /assets — adopts an asset made elsewhere (a real-person asset verified in the console): checks
 * with GetAsset that it is in this project and Active, and answers it as an asset of this API.
 */
import { assetRoutes } from '../../lib/route-rows/assets';
import { loadConfig } from '../core/config';
import { assetView, checkAdoptable } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler(assetRoutes.adoptAsset, async ({ body }) => {
  const asset = await assets.getAsset(body.assetId);
  checkAdoptable(asset, config.projectName);
  return { body: assetView(asset) };
});
