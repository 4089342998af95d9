/**
 * S3 ObjectCreated under incoming/ → functions/triggers/upload-created.ts, which starts the ingest
 * execution named by the upload ID (so a duplicate S3 event starts nothing twice). The function may
 * only StartExecution on the ingest state machine and write the upload's record. S3 invokes it asynchronously: an event that still
 * fails after Lambda's retries lands in the `FailedEvents` queue (alarmed), never silently dropped, so
 * an upload that could not start its ingest can be replayed by re-invoking the trigger with the message.
 */
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { grantCapabilities } from '../grants';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { failureQueue } from './failure-queue';
import { HandlerFunction, type FunctionEnv } from './handler-function';
import { PREFIX } from './storage';

export const UPLOAD_TRIGGER_HANDLER = 'functions/triggers/upload-created.ts';
/**
 * Start the ingest (the upload's move to `validating` in the state table); for a later object of a
 * started upload, compare it with the pin and move it away.
 */
export const UPLOAD_TRIGGER_ACCESS = [
  'ingest:start',
  'records:write',
  'ingest:status',
  'bucket:quarantine-replacement',
  'records:write',
] as const;

export interface UploadTriggerProps {
  bucket: s3.Bucket;
  secret: ISecret;
  ingest: StateMachine;
  table: ITable;
  /** Where the trigger's record write publishes its event. */
  eventBus?: IEventBus;
  environment: FunctionEnv;
  logRetentionDays: number;
  handler?: string;
}

export class UploadTrigger extends Construct {
  readonly fn: HandlerFunction;
  /** S3 events the trigger could not turn into an ingest execution after Lambda's async retries. */
  readonly failedEvents: sqs.Queue;

  constructor(scope: Construct, id: string, props: UploadTriggerProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'UploadCreated', {
      handler: props.handler ?? UPLOAD_TRIGGER_HANDLER,
      description: 'S3 incoming/ ObjectCreated → start the ingest execution',
      environment: { ...props.environment, BUCKET_NAME: props.bucket.bucketName },
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 30,
    });
    grantCapabilities(this.fn.fn, UPLOAD_TRIGGER_ACCESS, {
      bucket: props.bucket,
      secret: props.secret,
      ingest: props.ingest,
      table: props.table,
      ...(props.eventBus ? { eventBus: props.eventBus } : {}),
    });
    this.failedEvents = failureQueue(this, 'FailedEvents', "the upload trigger's");
    this.fn.fn.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.failedEvents),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(this.fn.fn), {
      prefix: PREFIX.incoming,
    });
    acknowledgeNotificationsHandler(Stack.of(this));
  }
}

/**
 * CDK implements bucket notifications with one stack-wide helper Lambda it owns
 * (BucketNotificationsHandler...), whose role has the basic execution managed policy and
 * s3:PutBucketNotification on "*". Its findings are acknowledged on that construct.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler) return;
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "CDK's own bucket-notification helper (runs at deploy time only); its role is not configurable.",
  });
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "CDK's own bucket-notification helper needs s3:PutBucketNotification at deploy time; CDK fixes its policy, and it only ever touches this stack's bucket.",
  });
}
