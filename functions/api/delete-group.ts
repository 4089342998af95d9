/** DELETE /groups/{groupId} — upstream deletes the group's assets with it. */
import { groupPathSchema } from '../core/api-schemas/groups';
import { loadConfig } from '../core/config';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler({ name: 'deleteGroup', path: groupPathSchema }, async ({ path }) => {
  await assets.deleteAssetGroup(path.groupId);
  return { status: 204 };
});
