/** GET /assets/{assetId} */
import { assetPathSchema } from '../core/api-schemas/groups';
import { loadConfig } from '../core/config';
import { assetView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler({ name: 'getAsset', path: assetPathSchema }, async ({ path }) => {
  const asset = await assets.getAsset(path.assetId);
  return { status: 200, body: assetView(asset) };
});
