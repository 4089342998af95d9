/**
 * The WebhookDeliveries point of one delivery attempt's outcome (functions/core/webhooks/deliver.ts):
 * an attempt that will be retried counts as `failed` (the alarm on failing endpoints), the last one as
 * `dead_lettered` (the alarm on dead letters). Holds and drops are not attempts and count nothing.
 */
import type { DeliveryLogLine } from '../webhooks/deliver';
import { point, type MetricPoint } from './catalogue';

const OUTCOME: Partial<
  Record<DeliveryLogLine['outcome'], 'delivered' | 'failed' | 'dead_lettered' | 'disabled'>
> = {
  delivered: 'delivered',
  retry: 'failed',
  'dead-letter': 'dead_lettered',
  'endpoint-disabled': 'disabled',
};

export function deliveryMetrics(line: Pick<DeliveryLogLine, 'outcome'>): MetricPoint[] {
  const outcome = OUTCOME[line.outcome];
  return outcome ? [point('webhookDeliveries', 1, { outcome })] : [];
}
