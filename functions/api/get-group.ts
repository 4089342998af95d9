/** GET /groups/{groupId} */
import { apiRoutes } from '../../lib/routes';
import { loadConfig } from '../core/config';
import { groupView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler(apiRoutes.getGroup, async ({ path }) => {
  const group = await assets.getAssetGroup(path.groupId);
  return { body: groupView(group, config.managedGroupTag) };
});
