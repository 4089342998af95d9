/** DELETE /assets/{assetId} */
import { apiRoutes } from '../../lib/routes';
import { loadConfig } from '../core/config';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(apiRoutes.deleteAsset, async ({ path }) => {
  await assets.deleteAsset(path.assetId);
  return {};
});
