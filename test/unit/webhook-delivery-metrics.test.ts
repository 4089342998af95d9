// The WebhookDeliveries points of delivery outcomes, as the delivery step writes them (EMF lines).
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryMetrics } from '../../functions/core/metrics/webhook-deliveries';
import { emitMetrics, setMetricsSink } from '../../functions/shared/metrics';

afterEach(() => setMetricsSink(() => undefined));

describe('webhook delivery metrics', () => {
  it('counts an attempt by outcome: a retried one as failed, the last as dead-lettered', () => {
    expect(deliveryMetrics({ outcome: 'delivered' })).toEqual([
      { metric: 'webhookDeliveries', value: 1, dimensions: { outcome: 'delivered' } },
    ]);
    expect(deliveryMetrics({ outcome: 'retry' })[0]?.dimensions).toEqual({ outcome: 'failed' });
    expect(deliveryMetrics({ outcome: 'dead-letter' })[0]?.dimensions).toEqual({ outcome: 'dead_lettered' });
    expect(deliveryMetrics({ outcome: 'endpoint-disabled' })[0]?.dimensions).toEqual({ outcome: 'disabled' });
  });

  it('counts nothing for a hold or a dropped delivery (no attempt was made)', () => {
    expect(deliveryMetrics({ outcome: 'held' })).toEqual([]);
    expect(deliveryMetrics({ outcome: 'dropped' })).toEqual([]);
  });

  it('writes the point as an EMF line the dead-letter alarm reads', () => {
    const lines: string[] = [];
    setMetricsSink((l) => lines.push(l));
    emitMetrics(deliveryMetrics({ outcome: 'dead-letter' }));
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0] ?? '{}') as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    };
    expect(doc._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name).toBe('WebhookDeliveries');
    expect(doc.outcome).toBe('dead_lettered');
    expect(doc.WebhookDeliveries).toBe(1);
  });
});
