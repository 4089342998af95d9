/**
 * Alarms on what needs a human: failed or timed-out executions of each state machine, errors of the
 * cleanup function, 5xx answers of the API, upload events the trigger could not start (dead letters),
 * and from the business metrics (functions/core/metrics): the age of the oldest upload waiting for
 * budget, the throttled share of the paced upstream calls, and webhook deliveries that failed or were
 * dead-lettered. Each alarm's description says what it means and what to look at. They notify an SNS
 * topic when one is configured.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { businessMetric, throttleRate } from './dashboard';

/** The oldest upload waiting for CreateAsset budget longer than this raises QueueAgeHigh. */
export const QUEUE_AGE_ALARM_SECONDS = 3_600;
/** Throttled share (%) of CreateAsset + CreateTask calls, sustained over three periods. */
export const THROTTLE_RATE_ALARM_PERCENT = 10;
/** Failed webhook delivery attempts per period before WebhookDeliveriesFailing. */
export const FAILED_DELIVERIES_ALARM_COUNT = 10;

export interface MonitoringProps {
  stateMachines: Record<string, sfn.IStateMachine>;
  cleanupFunction: lambda.IFunction;
  restApi: apigw.RestApi;
  alarmTopicArn?: string;
  /** The upload trigger's failure queue: any message is an upload whose ingest never started. */
  failedUploadEvents?: sqs.IQueue;
  /** Execution ends the state table could not take (see ExecutionEnded). */
  failedRecordEvents?: sqs.IQueue;
  /** Events the webhook fan-out could not take (see WebhookDelivery). */
  failedWebhookEvents?: sqs.IQueue;
  /** Namespace of the business metrics (EMF) the functions write; their alarms need it. */
  metricsNamespace?: string;
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const topic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : undefined;
    const period = Duration.minutes(5);
    const add = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      over: { threshold?: number; evaluationPeriods?: number; greaterThan?: boolean } = {},
    ) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: over.threshold ?? 1,
        evaluationPeriods: over.evaluationPeriods ?? 1,
        comparisonOperator: over.greaterThan
          ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
          : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (topic) alarm.addAlarmAction(new actions.SnsAction(topic));
      this.alarms.push(alarm);
    };
    for (const [name, sm] of Object.entries(props.stateMachines)) {
      const label = name.charAt(0).toUpperCase() + name.slice(1);
      add(
        `${label}ExecutionsFailed`,
        sm.metricFailed({ period }),
        name === 'webhook'
          ? 'a webhook delivery ran out of attempts: a dead letter (replay it with POST /webhooks/{id}/replay)'
          : `${name} executions failed`,
      );
      add(`${label}ExecutionsTimedOut`, sm.metricTimedOut({ period }), `${name} executions timed out`);
    }
    add('CleanupErrors', props.cleanupFunction.metricErrors({ period }), 'cleanup run failed');
    add('Api5xx', props.restApi.metricServerError({ period }), 'API answered 5xx');
    if (props.failedUploadEvents)
      add(
        'UploadEventsFailed',
        props.failedUploadEvents.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        'an upload event could not start its ingest (see the FailedEvents queue)',
      );
    if (props.failedRecordEvents)
      add(
        'RecordEventsFailed',
        props.failedRecordEvents.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        'an execution end could not be written to the state table (see the ExecutionEnded FailedEvents queue)',
      );
    if (props.failedWebhookEvents)
      add(
        'WebhookEventsFailed',
        props.failedWebhookEvents.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        'an event could not be fanned out to the webhook endpoints (see the WebhookDelivery FailedEvents queue)',
      );
    const ns = props.metricsNamespace;
    if (ns) {
      add(
        'QueueAgeHigh',
        businessMetric(ns, 'queueAge', { kind: 'upload' }, { statistic: 'Maximum', period }),
        `an upload has waited more than ${QUEUE_AGE_ALARM_SECONDS / 60} min for CreateAsset budget: the entitlement tier (upstreamAssetTier / createAssetPerMinute) is too small for the uploads coming in, or the budget is stuck; uploads end expired at queueMaxWaitSeconds`,
        { threshold: QUEUE_AGE_ALARM_SECONDS, greaterThan: true },
      );
      add(
        'UpstreamThrottleRateHigh',
        throttleRate(ns),
        `more than ${THROTTLE_RATE_ALARM_PERCENT} % of CreateAsset and CreateTask calls were throttled for 15 min: the governor paces them, so other clients share the account's quota or the configured tier is higher than the account's; jobs wait longer but do not fail`,
        { threshold: THROTTLE_RATE_ALARM_PERCENT, evaluationPeriods: 3, greaterThan: true },
      );
      add(
        'WebhookDeadLetters',
        businessMetric(ns, 'webhookDeliveries', { outcome: 'dead_lettered' }, { period }),
        'a webhook event used up its retry schedule and was dead-lettered: the endpoint is down or refusing it; replay it with POST /webhooks/{id}/replay once fixed',
      );
      add(
        'WebhookDeliveriesFailing',
        businessMetric(ns, 'webhookDeliveries', { outcome: 'failed' }, { period }),
        `${FAILED_DELIVERIES_ALARM_COUNT} or more webhook delivery attempts failed in 5 min: an endpoint answers errors or times out; they are retried on the schedule, dead-lettered at its end`,
        { threshold: FAILED_DELIVERIES_ALARM_COUNT },
      );
    }
  }
}
