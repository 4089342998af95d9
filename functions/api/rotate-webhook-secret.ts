/** POST /webhooks/{webhookId}/rotate-secret: a new secret, shown once; the old one signs for 24 h more. */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { rotateSecret } from '../core/webhooks';
import { apiHandler } from '../shared/api';
import { logger } from '../shared/logger';
import { stackSealer } from '../shared/webhook-sealer';
import { DynamoEndpointStore } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.rotateWebhookSecret, async (req) => {
  const store = new DynamoEndpointStore(required(loadConfig().tableName, 'TABLE_NAME'));
  const rotated = await rotateSecret({ store, sealer: stackSealer }, req.path.webhookId);
  logger.info('webhook secret rotated', { webhookId: req.path.webhookId });
  return { body: rotated };
});
