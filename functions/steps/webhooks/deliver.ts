/**
 * The delivery state machine's Attempt step: one signed POST of one event to one endpoint, and what
 * comes next (functions/core/webhooks/deliver.ts). One structured log line and one WebhookDeliveries
 * point per outcome.
 */
import type { Context } from 'aws-lambda';
import { loadConfig, required } from '../../core/config';
import { deliverAttempt, type DeliveryInput, type DeliveryOutput } from '../../core/webhooks';
import { deliveryMetrics } from '../../core/metrics/webhook-deliveries';
import { logger } from '../../shared/logger';
import { emitMetrics } from '../../shared/metrics';
import { postWebhook, webhookGuardOptions } from '../../shared/webhook-http';
import { stackSealer } from '../../shared/webhook-sealer';
import { DynamoDeliveryStore } from '../../shared/webhook-store';

export async function handler(input: DeliveryInput, _context?: Context): Promise<DeliveryOutput> {
  const config = loadConfig();
  const guard = webhookGuardOptions(config);
  return deliverAttempt(
    {
      store: new DynamoDeliveryStore(
        required(config.tableName, 'TABLE_NAME'),
        config.eventRetentionDays * 86_400,
      ),
      sealer: stackSealer,
      post: (url, body, headers) => postWebhook(url, body, headers, guard),
      timeScale: config.timeScale,
      log: (line) => {
        emitMetrics(deliveryMetrics(line));
        if (line.outcome === 'dead-letter') logger.error('webhook delivery', { ...line });
        else if (line.outcome === 'held') logger.debug('webhook delivery', { ...line });
        else logger.info('webhook delivery', { ...line });
      },
    },
    input,
  );
}
