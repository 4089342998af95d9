/**
 * GET /groups/{groupId}/assets — one page of a group's assets. The group is read too, because
 * ListAssets answers an empty page for a group that does not exist and the caller deserves a 404.
 */
import { assetRoutes } from '../../lib/route-rows/assets';
import { loadConfig } from '../core/config';
import { assetView, pageView, toUpstreamStatus } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const assets = assetsClient(loadConfig());

export const handler = apiHandler(
  assetRoutes.listGroupAssets,
  async ({ path, query: { status, pageNumber, pageSize } }) => {
    const groupId = path.groupId;
    // The group first: ListAssets needs its type (a LivenessFace group's assets are not listed under
    // AIGC), and a missing group deserves a 404 rather than an empty page.
    const group = await assets.getAssetGroup(groupId);
    const page = await assets.listAssets({
      pageNumber,
      pageSize,
      filter: {
        groupIds: [groupId],
        groupType: group.groupType === 'LivenessFace' ? 'LivenessFace' : 'AIGC',
        ...(status ? { statuses: [toUpstreamStatus(status)] } : {}),
      },
    });
    return { body: pageView(page, assetView) };
  },
);
