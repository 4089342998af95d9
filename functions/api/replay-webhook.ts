/** POST /webhooks/{webhookId}/replay: the endpoint's events again (by ID or time range), same webhook-id. */
import { webhookRoutes } from '../../lib/route-rows/webhooks';
import { loadConfig, required } from '../core/config';
import { replay } from '../core/webhooks';
import { apiHandler } from '../shared/api';
import { logger } from '../shared/logger';
import { awsApiError, executionStarter } from '../shared/sfn';
import { DynamoDeliveryStore, DynamoEndpointStore, DynamoEventLog } from '../shared/webhook-store';

export const handler = apiHandler(webhookRoutes.replayWebhook, async (req) => {
  const config = loadConfig();
  const table = required(config.tableName, 'TABLE_NAME');
  const answer = await replay(
    {
      endpoints: new DynamoEndpointStore(table),
      events: new DynamoEventLog(table),
      deliveries: new DynamoDeliveryStore(table, config.eventRetentionDays * 86_400),
      executions: executionStarter(required(config.webhookStateMachineArn, 'WEBHOOK_STATE_MACHINE_ARN')),
    },
    req.path.webhookId,
    req.body,
  ).catch((e: unknown) => {
    throw awsApiError(e);
  });
  logger.info('webhook replay', { webhookId: req.path.webhookId, replayed: answer.replayed });
  return { body: answer };
});
