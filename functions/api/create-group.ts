/** POST /groups — creates an asset group marked as managed by this stack. */
import { createGroupBody } from '../core/api-schemas/groups';
import { loadConfig } from '../core/config';
import { groupView, markDescription } from '../core/groups';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';

const config = loadConfig();
const assets = assetsClient(config);

export const handler = apiHandler({ name: 'createGroup', body: createGroupBody }, async ({ body }) => {
  const description = markDescription(body.description, config.managedGroupTag);
  const { id } = await assets.createAssetGroup({ name: body.name, description });
  // Built from what we sent rather than read back: no second call, no read-after-write question.
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const group = groupView(
    {
      id,
      name: body.name,
      description,
      groupType: 'AIGC',
      projectName: config.projectName,
      createTime: now,
      updateTime: now,
    },
    config.managedGroupTag,
  );
  return { status: 201, body: group, headers: { Location: `/groups/${id}` } };
});
