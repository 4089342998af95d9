/**
 * The bus's webhook rule → one delivery execution per enabled endpoint that takes the event's type
 * (functions/core/webhooks/fan-out.ts). Deliveries are named by their webhook-id, so a duplicate event
 * (the outbox publishes at least once) or a retried invocation starts nothing twice. A failure is
 * thrown: EventBridge's retries, then the rule's dead-letter queue, keep the event.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { loadConfig, required } from '../core/config';
import type { StackEvent } from '../core/events';
import { fanOut } from '../core/webhooks';
import { logger } from '../shared/logger';
import { executionStarter } from '../shared/sfn';
import { DynamoDeliveryStore, DynamoEndpointStore } from '../shared/webhook-store';

export async function handler(event: EventBridgeEvent<string, StackEvent>): Promise<{ deliveries: number }> {
  const config = loadConfig();
  const table = required(config.tableName, 'TABLE_NAME');
  const started = await fanOut(
    {
      endpoints: new DynamoEndpointStore(table),
      deliveries: new DynamoDeliveryStore(table, config.eventRetentionDays * 86_400),
      executions: executionStarter(required(config.webhookStateMachineArn, 'WEBHOOK_STATE_MACHINE_ARN')),
    },
    event.detail,
  );
  if (started.length > 0)
    logger.debug('webhook deliveries started', { eventId: event.detail.id, deliveries: started.length });
  return { deliveries: started.length };
}
