/** GET /groups/{groupId} */
import { groupRoutes } from '../../lib/route-rows/groups';
import { loadConfig } from '../core/config';
import { groupView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler(groupRoutes.getGroup, async ({ path }) => {
  const group = await assets.getAssetGroup(path.groupId);
  return { body: groupView(group, config.managedGroupTag) };
});
