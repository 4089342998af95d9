/**
 * The operations dashboard: the business metrics of functions/core/metrics/catalogue.ts (EMF lines the
 * functions write, under the stack's namespace) beside the stack's alarms. Metrics whose dimension
 * values are open-ended (outcome and reason, model, upstream action) are graphed with SEARCH, so a new
 * failure code or model shows up without a deploy; alarms name exact dimension values (alarms cannot
 * search). Names, units and dimensions come from the catalogue, never retyped here.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  DEFAULT_METRICS_NAMESPACE,
  METRICS,
  METRICS_SERVICE,
  type MetricKey,
} from '../../functions/core/metrics/catalogue';

/** `Seedance/<stack name>`: two stacks in one account never mix their figures. */
export const metricsNamespace = (stackName: string): string => `${DEFAULT_METRICS_NAMESPACE}/${stackName}`;

const PERIOD = Duration.minutes(5);

/** One catalogue metric with exact dimension values (the `service` dimension every point carries). */
export function businessMetric(
  namespace: string,
  key: MetricKey,
  dimensions: Record<string, string>,
  options: { statistic?: string; period?: Duration; label?: string } = {},
): cloudwatch.Metric {
  const def = METRICS[key];
  const missing = def.dimensions.filter((d) => !(d in dimensions));
  if (missing.length > 0) throw new Error(`${def.name} needs the dimensions ${missing.join(', ')}`);
  return new cloudwatch.Metric({
    namespace,
    metricName: def.name,
    dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
    statistic: options.statistic ?? (def.unit === 'Count' || def.unit === 'Bytes' ? 'Sum' : 'Average'),
    period: options.period ?? PERIOD,
    ...(options.label ? { label: options.label } : {}),
  });
}

/** Every series of a catalogue metric, whatever its dimension values (one line per combination). */
export function searchMetric(
  namespace: string,
  key: MetricKey,
  statistic: string,
  label: string,
): cloudwatch.MathExpression {
  const def = METRICS[key];
  const schema = [`"${namespace}"`, 'service', ...def.dimensions].join(',');
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${def.name}"', '${statistic}', ${PERIOD.toSeconds()})`,
    label,
    period: PERIOD,
  });
}

/** Throttled share (%) of the calls the governor paces: CreateAsset and CreateTask together. */
export function throttleRate(namespace: string): cloudwatch.MathExpression {
  const m = (key: 'upstreamCalls' | 'upstreamThrottles', operation: string) =>
    businessMetric(namespace, key, { operation });
  return new cloudwatch.MathExpression({
    expression: '100 * (FILL(ta, 0) + FILL(tt, 0)) / (FILL(ca, 0) + FILL(ct, 0))',
    usingMetrics: {
      ta: m('upstreamThrottles', 'CreateAsset'),
      tt: m('upstreamThrottles', 'CreateTask'),
      ca: m('upstreamCalls', 'CreateAsset'),
      ct: m('upstreamCalls', 'CreateTask'),
    },
    label: 'throttled % of CreateAsset + CreateTask',
    period: PERIOD,
  });
}

export interface OperationsDashboardProps {
  namespace: string;
  dashboardName?: string;
  alarms: cloudwatch.IAlarm[];
}

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const ns = props.namespace;
    const graph = (title: string, left: cloudwatch.IMetric[], unit?: string) =>
      new cloudwatch.GraphWidget({
        title,
        left,
        width: 8,
        height: 6,
        ...(unit ? { leftYAxis: { label: unit, showUnits: false } } : {}),
      });
    const seconds = (key: MetricKey, dims: Record<string, string>, what: string) => [
      businessMetric(ns, key, dims, { statistic: 'p50', label: `${what} p50` }),
      businessMetric(ns, key, dims, { statistic: 'p90', label: `${what} p90` }),
      businessMetric(ns, key, dims, { statistic: 'Maximum', label: `${what} max` }),
    ];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          graph('Uploads by outcome and reason', [searchMetric(ns, 'uploads', 'Sum', '')]),
          graph('Videos by outcome and model', [searchMetric(ns, 'videos', 'Sum', '')]),
          graph('Upstream throttles by action', [searchMetric(ns, 'upstreamThrottles', 'Sum', '')]),
        ],
        [
          graph(
            'Time queued for CreateAsset budget (uploads)',
            seconds('timeQueued', { kind: 'upload' }, 'queued'),
            's',
          ),
          graph(
            'Queue age (oldest waiting upload) and governor wait',
            [
              businessMetric(
                ns,
                'queueAge',
                { kind: 'upload' },
                { statistic: 'Maximum', label: 'queue age max' },
              ),
              businessMetric(
                ns,
                'governorWait',
                { budget: 'CreateAsset' },
                { statistic: 'p90', label: 'governor wait p90' },
              ),
            ],
            's',
          ),
          graph('Upload time to Active', seconds('timeToActive', {}, 'to active'), 's'),
        ],
        [
          graph(
            'Videos queued upstream for a task slot',
            seconds('timeQueued', { kind: 'video' }, 'queued'),
            's',
          ),
          graph('Notice delay (upstream finished → saved)', seconds('noticeDelay', {}, 'delay'), 's'),
          graph('Throttle rate and upstream calls', [
            throttleRate(ns),
            searchMetric(ns, 'upstreamCalls', 'Sum', ''),
          ]),
        ],
        [
          graph('Bytes saved to S3', [searchMetric(ns, 'bytesSaved', 'Sum', '')], 'bytes'),
          graph('Webhook deliveries by outcome', [searchMetric(ns, 'webhookDeliveries', 'Sum', '')]),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 8, height: 6 }),
        ],
      ],
    });
  }
}
