/** GET /groups/{groupId} */
import { groupPathSchema } from '../core/api-schemas/groups';
import { loadConfig } from '../core/config';
import { groupView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler({ name: 'getGroup', path: groupPathSchema }, async ({ path }) => {
  const group = await assets.getAssetGroup(path.groupId);
  return { status: 200, body: groupView(group, config.managedGroupTag) };
});
