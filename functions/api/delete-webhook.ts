/** DELETE /webhooks/{webhookId}: the endpoint goes; its deliveries under way drop at their next attempt. */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { notFound } from '../core/errors';
import { apiHandler } from '../shared/api';
import { logger } from '../shared/logger';
import { DynamoEndpointStore } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.deleteWebhook, async (req) => {
  const store = new DynamoEndpointStore(required(loadConfig().tableName, 'TABLE_NAME'));
  if (!(await store.remove(req.path.webhookId))) throw notFound('webhook', req.path.webhookId);
  logger.info('webhook deleted', { webhookId: req.path.webhookId });
  return {};
});
