/**
 * The alarmed queue an asynchronous invocation lands in once its retries ran out (S3 → upload trigger,
 * EventBridge → execution-ended): encrypted, TLS-only, kept 14 days; nothing consumes it automatically.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function failureQueue(scope: Construct, id: string, whose: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself ${whose} failure destination (a dead-letter queue in all but name); nothing consumes it automatically, an alarm calls a person.`,
  });
  return queue;
}
