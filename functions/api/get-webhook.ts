/** GET /webhooks/{webhookId}: one endpoint, without its secret. */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { endpointOrNotFound, endpointView } from '../core/webhooks';
import { apiHandler } from '../shared/api';
import { DynamoEndpointStore } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.getWebhook, async (req) => {
  const store = new DynamoEndpointStore(required(loadConfig().tableName, 'TABLE_NAME'));
  return { body: endpointView(await endpointOrNotFound(store, req.path.webhookId)) };
});
