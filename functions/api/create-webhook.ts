/** POST /webhooks: the URL through the SSRF guard → an endpoint with a new secret, shown once. */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { newWebhookId } from '../core/ids';
import { guardUrl, registerEndpoint } from '../core/webhooks';
import { apiHandler } from '../shared/api';
import { logger } from '../shared/logger';
import { systemResolver, webhookGuardOptions } from '../shared/webhook-http';
import { stackSealer } from '../shared/webhook-sealer';
import { DynamoEndpointStore } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.createWebhook, async (req) => {
  const config = loadConfig();
  const created = await registerEndpoint(
    {
      store: new DynamoEndpointStore(required(config.tableName, 'TABLE_NAME')),
      sealer: stackSealer,
      guard: (url) => guardUrl(url, systemResolver, webhookGuardOptions(config)),
      newId: () => newWebhookId(),
    },
    req.body,
  );
  logger.info('webhook registered', { webhookId: created.id, events: created.events?.length ?? 'all' });
  return { body: created };
});
