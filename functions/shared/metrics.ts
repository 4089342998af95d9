/**
 * The metrics adapter: business metrics of the catalogue (functions/core/metrics) as CloudWatch
 * embedded-metric-format lines, built by Powertools for AWS Lambda's Metrics (EMF document, unit and
 * dimension checks) and written one line per point to stdout, where CloudWatch Logs extracts them. No
 * PutMetricData call, no SDK client, nothing to flush at the end of an invocation: a point is written
 * when it happens, so a step that fails later still counts what it did.
 *
 * Every function uses the same `service` dimension, so each metric has one dimension set to graph and
 * alarm on; the stack names the namespace (`POWERTOOLS_METRICS_NAMESPACE`, read by Powertools' own
 * convention). A point that cannot be written is logged and dropped: metrics never fail a job.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DEFAULT_METRICS_NAMESPACE,
  METRICS,
  METRICS_SERVICE,
  type MetricPoint,
  type MetricsPort,
} from '../core/metrics/catalogue';
import { logger } from './logger';

export type MetricSink = (line: string) => void;

const stdout: MetricSink = (line) => process.stdout.write(line + '\n');
let sink: MetricSink = stdout;

/** Powertools' Metrics, with its own on/off decision readable (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV). */
class EmfMetrics extends Metrics {
  get off(): boolean {
    return this.isDisabled();
  }
}
let powertools: EmfMetrics | undefined;

function metricsBuffer(): EmfMetrics {
  powertools ??= new EmfMetrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
  });
  return powertools;
}

/** Writes each point as its own EMF document (its dimensions are its own). */
export function emitMetrics(points: readonly MetricPoint[]): void {
  for (const p of points) {
    const def = METRICS[p.metric];
    try {
      const m = metricsBuffer();
      // Powertools' switch (POWERTOOLS_METRICS_DISABLED, or POWERTOOLS_DEV): the local stack sets it.
      if (m.off) return;
      m.addDimensions(p.dimensions);
      m.addMetric(def.name, def.unit, p.value);
      const line = JSON.stringify(m.serializeMetrics());
      m.clearMetrics();
      m.clearDimensions();
      sink(line);
    } catch (e) {
      powertools = undefined;
      logger.warn('metric not written', {
        metric: def.name,
        errorName: e instanceof Error ? e.name : 'unknown',
      });
    }
  }
}

export const metrics: MetricsPort = { emit: emitMetrics };

/** Tests read the EMF lines; `undefined` puts stdout back. The namespace is read again on the next point. */
export function setMetricsSink(next: MetricSink | undefined): void {
  sink = next ?? stdout;
  powertools = undefined;
}
