/**
 * DELETE /groups/{groupId} — upstream deletes the group's assets with it. A group this stack did not
 * create (no managed marker) or a LivenessFace group needs `?force=true`, else 409 UnmanagedGroup; the
 * check costs one GetAssetGroup, which also turns a missing group into its 404 before the delete.
 */
import { groupRoutes } from '../../lib/route-rows/groups';
import { loadConfig } from '../core/config';
import { unmanagedGroup } from '../core/errors';
import { unmanagedReason } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { logger } from '../shared/logger';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler(groupRoutes.deleteGroup, async ({ path, query }) => {
  const group = await assets.getAssetGroup(path.groupId);
  const why = unmanagedReason(group, config.managedGroupTag);
  if (why && query.force !== 'true') throw unmanagedGroup(path.groupId, why);
  if (why)
    logger.warn('deleting a group this stack does not manage (force=true)', { groupType: group.groupType });
  await assets.deleteAssetGroup(path.groupId);
  return {};
});
