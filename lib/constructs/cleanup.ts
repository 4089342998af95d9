/**
 * The cleanup schedule: an EventBridge rule (daily by default) runs functions/scheduled/cleanup.ts,
 * which may call the upstream and list/describe executions of both state machines (running uploads and
 * videos keep their groups alive).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { grantCapabilities, type GrantTargets } from '../grants';
import { HandlerFunction, type FunctionEnv } from './handler-function';

export const CLEANUP_HANDLER = 'functions/scheduled/cleanup.ts';

export interface CleanupProps {
  targets: GrantTargets;
  environment: FunctionEnv;
  logRetentionDays: number;
  schedule: string;
  maxAgeDays: number;
  dryRun: boolean;
  handler?: string;
}

export class Cleanup extends Construct {
  readonly fn: HandlerFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CleanupProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Cleanup', {
      handler: props.handler ?? CLEANUP_HANDLER,
      description: 'Deletes stale asset groups this stack created',
      environment: {
        ...props.environment,
        CLEANUP_MAX_AGE_DAYS: String(props.maxAgeDays),
        CLEANUP_DRY_RUN: String(props.dryRun),
      },
      logRetentionDays: props.logRetentionDays,
      // ~1000 groups (the account quota) at 5 deletions per second is under 4 minutes.
      timeoutSeconds: 600,
    });
    grantCapabilities(this.fn.fn, ['upstream', 'ingest:list', 'video:list-describe'], props.targets);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'seedance-stack cleanup of stale asset groups',
      schedule: events.Schedule.expression(props.schedule),
      targets: [
        new targets.LambdaFunction(this.fn.fn, {
          retryAttempts: 1,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }
}
