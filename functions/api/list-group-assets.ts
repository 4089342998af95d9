/**
 * GET /groups/{groupId}/assets — one page of a group's assets. The group is read too, because
 * ListAssets answers an empty page for a group that does not exist and the caller deserves a 404.
 */
import { apiRoutes } from '../../lib/routes';
import { loadConfig } from '../core/config';
import { assetView, pageView, toUpstreamStatus } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(
  apiRoutes.listGroupAssets,
  async ({ path, query: { status, pageNumber, pageSize } }) => {
    const groupId = path.groupId;
    // Both calls settle before answering (no request left in flight), and the group's error wins.
    const [group, page] = await Promise.allSettled([
      assets.getAssetGroup(groupId),
      assets.listAssets({
        pageNumber,
        pageSize,
        filter: { groupIds: [groupId], ...(status ? { statuses: [toUpstreamStatus(status)] } : {}) },
      }),
    ]);
    if (group.status === 'rejected') throw group.reason;
    if (page.status === 'rejected') throw page.reason;
    return { body: pageView(page.value, assetView) };
  },
);
