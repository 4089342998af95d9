/** GET /webhooks: endpoints newest first, paged (secrets are never answered). */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { endpointView } from '../core/webhooks';
import { apiHandler } from '../shared/api';
import { DynamoEndpointStore } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.listWebhooks, async (req) => {
  const store = new DynamoEndpointStore(required(loadConfig().tableName, 'TABLE_NAME'));
  const page = await store.list(req.query.pageSize ?? 50, req.query.nextToken);
  return {
    body: { items: page.items.map(endpointView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) },
  };
});
