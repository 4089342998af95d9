/** GET /assets/{assetId} */
import { apiRoutes } from '../../lib/routes';
import { loadConfig } from '../core/config';
import { assetView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(apiRoutes.getAsset, async ({ path }) => {
  const asset = await assets.getAsset(path.assetId);
  return { body: assetView(asset) };
});
