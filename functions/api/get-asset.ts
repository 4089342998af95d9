/** GET /assets/{assetId} */
import { assetRoutes } from '../../lib/route-rows/assets';
import { loadConfig } from '../core/config';
import { assetView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(assetRoutes.getAsset, async ({ path }) => {
  const asset = await assets.getAsset(path.assetId);
  return { body: assetView(asset) };
});
