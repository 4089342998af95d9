/** DELETE /assets/{assetId} */
import { assetPathSchema } from '../core/api-schemas/groups';
import { loadConfig } from '../core/config';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler({ name: 'deleteAsset', path: assetPathSchema }, async ({ path }) => {
  await assets.deleteAsset(path.assetId);
  return { status: 204 };
});
