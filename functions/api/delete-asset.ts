/** DELETE /assets/{assetId} */
import { assetRoutes } from '../../lib/route-rows/assets';
import { loadConfig } from '../core/config';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(assetRoutes.deleteAsset, async ({ path }) => {
  await assets.deleteAsset(path.assetId);
  return {};
});
