/** GET /groups — one page of the project's asset groups (managed or not; `managed` tells which). */
import { groupRoutes } from '../../lib/route-rows/groups';
import { loadConfig } from '../core/config';
import { groupView, pageView } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler(
  groupRoutes.listGroups,
  async ({ query: { pageNumber, pageSize, name, groupType } }) => {
    const page = await assets.listAssetGroups({
      pageNumber,
      pageSize,
      filter: { groupType, ...(name ? { name } : {}) },
    });
    return { body: pageView(page, (g) => groupView(g, config.managedGroupTag)) };
  },
);
