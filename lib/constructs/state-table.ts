/**
 * The state table (layout: functions/core/records/table.ts): upload and video records, the read side
 * of every GET and list. On-demand (traffic follows polling, not a plan), point-in-time recovery, TTL
 * on `purgeAt` (records outlive the 90-day execution history; RECORD_TTL_DAYS, default 400).
 *
 * Encryption: the AWS-managed key (aws/dynamodb). The records hold IDs, file names, statuses and error
 * messages, never a secret or a URL, so a customer key would add a key policy to run and per-request KMS
 * cost for no one it keeps out that IAM does not; the managed key still shows every use in CloudTrail.
 * Retained on stack deletion (the records are the only history of past jobs) unless the context flag
 * `retainStateTable=false` says this is a throwaway stack.
 *
 * The end of every execution (EventBridge "Step Functions Execution Status Change") runs
 * functions/triggers/execution-ended.ts, the final write for the ends no step sees; events it still
 * cannot write after Lambda's retries go to an alarmed queue.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { INDEXES, TABLE_KEY, TTL_ATTRIBUTE } from '../../functions/core/records/table';
import { grantCapabilities, type GrantTargets } from '../grants';
import { failureQueue } from './failure-queue';
import { HandlerFunction, type FunctionEnv } from './handler-function';

export const EXECUTION_ENDED_HANDLER = 'functions/triggers/execution-ended.ts';

export interface StateTableProps {
  retain: boolean;
}

export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    const s = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Records', {
      partitionKey: { name: TABLE_KEY, type: s },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const ix of Object.values(INDEXES))
      this.table.addGlobalSecondaryIndex({
        indexName: ix.name,
        partitionKey: { name: ix.partitionKey, type: s },
        sortKey: { name: ix.sortKey, type: s },
        projectionType: dynamodb.ProjectionType.ALL,
      });
  }
}

export interface ExecutionEndedProps {
  stateMachines: IStateMachine[];
  targets: GrantTargets;
  environment: FunctionEnv;
  logRetentionDays: number;
  handler?: string;
}

export class ExecutionEnded extends Construct {
  readonly fn: HandlerFunction;
  readonly rule: events.Rule;
  /** Execution ends that could not be recorded after Lambda's async retries. */
  readonly failedEvents: sqs.Queue;

  constructor(scope: Construct, id: string, props: ExecutionEndedProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'ExecutionEnded', {
      handler: props.handler ?? EXECUTION_ENDED_HANDLER,
      description: 'Step Functions execution end → the final write of the upload or video record',
      environment: props.environment,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 30,
    });
    grantCapabilities(this.fn.fn, ['records:write'], props.targets);
    this.failedEvents = failureQueue(this, 'FailedEvents', "the execution-end rule's");
    this.rule = new events.Rule(this, 'ExecutionEnds', {
      description: 'seedance-stack: record the end of every ingest and video execution',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: props.stateMachines.map((sm) => sm.stateMachineArn),
        },
      },
      targets: [
        new targets.LambdaFunction(this.fn.fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.failedEvents,
        }),
      ],
    });
  }
}
