// The operations dashboard and the business-metric alarms, read from the synthesized template: every
// catalogue metric on the dashboard under the stack's namespace, each new alarm on the right metric
// and threshold with a reason, and the namespace handed to every function that writes the metrics.
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../functions/core/metrics/catalogue';
import {
  FAILED_DELIVERIES_ALARM_COUNT,
  QUEUE_AGE_ALARM_SECONDS,
  THROTTLE_RATE_ALARM_PERCENT,
} from '../../lib/constructs/monitoring';
import { buildStack, resourcesOf, type Built } from './stack-fixture';

let b: Built;
beforeAll(() => {
  b = buildStack();
}, 120_000);

const NAMESPACE = 'Seedance/TestStack';

/** The dashboard body with its tokens (alarm ARNs, region) flattened into one string. */
function dashboardBody(): string {
  const dashboards = resourcesOf(b, 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]![1].DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

type AlarmProps = Record<string, unknown> & {
  AlarmDescription?: string;
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: Record<string, unknown> } }[];
};
const alarmNamed = (id: string): AlarmProps => {
  const found = resourcesOf(b, 'AWS::CloudWatch::Alarm').filter(([logical]) => logical.includes(id));
  expect(found, id).toHaveLength(1);
  return found[0]![1] as AlarmProps;
};

describe('operations dashboard', () => {
  it('graphs every metric of the catalogue under the stack namespace', () => {
    const body = dashboardBody();
    for (const def of Object.values(METRICS)) expect(body, def.name).toContain(def.name);
    expect(body).toContain(`\\"${NAMESPACE}\\"`);
    expect(body).toContain(`SEARCH('{\\"${NAMESPACE}\\",service,outcome,reason} MetricName=\\"Uploads\\"'`);
  });

  it('shows the state of every alarm of the stack', () => {
    const body = dashboardBody();
    const alarms = resourcesOf(b, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(8);
    for (const [logical] of alarms) expect(body, logical).toContain(logical);
  });
});

describe('business-metric alarms', () => {
  it('alarm on the age of the oldest upload waiting for budget', () => {
    const a = alarmNamed('QueueAgeHigh');
    expect(a).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'QueueAge',
      Statistic: 'Maximum',
      Threshold: QUEUE_AGE_ALARM_SECONDS,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(a.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'kind', Value: 'upload' },
        { Name: 'service', Value: 'seedance' },
      ]),
    );
  });

  it('alarm on the throttled share of the paced calls, sustained for three periods', () => {
    const a = alarmNamed('UpstreamThrottleRateHigh');
    expect(a).toMatchObject({ Threshold: THROTTLE_RATE_ALARM_PERCENT, EvaluationPeriods: 3 });
    const expression = a.Metrics?.find((m) => m.Expression)?.Expression;
    expect(expression).toBe('100 * (FILL(ta, 0) + FILL(tt, 0)) / (FILL(ca, 0) + FILL(ct, 0))');
    const inputs = Object.fromEntries(
      (a.Metrics ?? [])
        .filter((m) => m.MetricStat)
        .map((m) => [m.Id, m.MetricStat!.Metric as { MetricName: string; Dimensions: unknown[] }]),
    );
    expect(inputs.ta).toMatchObject({ MetricName: 'UpstreamThrottles' });
    expect(inputs.ta?.Dimensions).toContainEqual({ Name: 'operation', Value: 'CreateAsset' });
    expect(inputs.ct).toMatchObject({ MetricName: 'UpstreamCalls' });
    expect(inputs.ct?.Dimensions).toContainEqual({ Name: 'operation', Value: 'CreateTask' });
  });

  it('alarm on dead-lettered and on failing webhook deliveries', () => {
    const dead = alarmNamed('WebhookDeadLetters');
    const failing = alarmNamed('WebhookDeliveriesFailing');
    expect(dead).toMatchObject({ MetricName: 'WebhookDeliveries', Statistic: 'Sum', Threshold: 1 });
    expect(dead.Dimensions).toContainEqual({ Name: 'outcome', Value: 'dead_lettered' });
    expect(failing).toMatchObject({
      MetricName: 'WebhookDeliveries',
      Threshold: FAILED_DELIVERIES_ALARM_COUNT,
    });
    expect(failing.Dimensions).toContainEqual({ Name: 'outcome', Value: 'failed' });
  });

  it('give every alarm of the stack a reason', () => {
    for (const [logical, p] of resourcesOf(b, 'AWS::CloudWatch::Alarm'))
      expect((p as AlarmProps).AlarmDescription?.length, logical).toBeGreaterThan(15);
  });

  it('hand the metrics namespace to every function', () => {
    const fns = resourcesOf(b, 'AWS::Lambda::Function').filter(
      ([, p]) =>
        (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.TABLE_NAME !==
        undefined,
    );
    expect(fns.length).toBeGreaterThan(10);
    for (const [logical, p] of fns)
      expect(
        (p.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_METRICS_NAMESPACE,
        logical,
      ).toBe(NAMESPACE);
  });
});
