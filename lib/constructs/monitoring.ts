/**
 * Alarms on what needs a human: failed or timed-out executions of each state machine, errors of the
 * cleanup function, 5xx answers of the API, and upload events the trigger could not start. They notify an SNS topic when one is configured.
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
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const topic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : undefined;
    const period = Duration.minutes(5);
    const add = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
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
  }
}
