/**
 * The state machines of lib/workflows.ts: the ASL file as written (DefinitionBody.fromFile) with each
 * `${Substitution}` replaced by its step function's ARN, Standard type, logs under
 * /aws/vendedlogs/states/ (level ALL without execution data, so no input, output or URL is logged),
 * X-Ray tracing. Only each state machine's role may invoke its step functions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantCapabilities } from '../grants';
import { definitionText, type WorkflowDef, type WorkflowTimeouts } from '../workflows';
import { HandlerFunction, REPO_ROOT, type FunctionEnv } from './handler-function';

export interface WorkflowProps {
  def: WorkflowDef;
  bucket: IBucket;
  secret: ISecret;
  table: ITable;
  /** The key of the upstream callback URLs (steps with `callback:sign`). */
  callbackSecret?: ISecret;
  /** Where record writes publish their events. */
  eventBus?: IEventBus;
  /** The key webhook endpoint secrets are sealed with (steps with `webhook:seal`). */
  webhookKey?: ISecret;
  environment: FunctionEnv;
  logRetentionDays: number;
  timeouts: WorkflowTimeouts;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** Placeholders used in an ASL text, in order of first use. */
export function placeholdersOf(asl: string): string[] {
  return [...new Set([...asl.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly steps: Record<string, HandlerFunction> = {};
  readonly logGroup: logs.LogGroup;
  readonly def: WorkflowDef;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { def } = props;
    this.def = def;
    const file = path.join(REPO_ROOT, def.definitionFile);

    const substitutions: Record<string, string> = {
      BucketName: props.bucket.bucketName,
      ...(def.substitutions ?? {}),
    };
    for (const step of def.steps) {
      // Named by the placeholder, which is unique per workflow (two steps may share a module).
      const fn = new HandlerFunction(
        this,
        step.substitution.replace(/(Function)?Arn$/, '') || step.substitution,
        {
          handler: step.handler,
          description: `${def.name} step ${step.substitution}`,
          environment: props.environment,
          logRetentionDays: props.logRetentionDays,
          ...(step.timeoutSeconds !== undefined ? { timeoutSeconds: step.timeoutSeconds } : {}),
          ...(step.memoryMb !== undefined ? { memoryMb: step.memoryMb } : {}),
        },
      );
      grantCapabilities(fn.fn, step.access, {
        bucket: props.bucket,
        secret: props.secret,
        table: props.table,
        ...(props.callbackSecret ? { callbackSecret: props.callbackSecret } : {}),
        ...(props.eventBus ? { eventBus: props.eventBus } : {}),
        ...(props.webhookKey ? { webhookKey: props.webhookKey } : {}),
      });
      this.steps[step.substitution] = fn;
      substitutions[step.substitution] = fn.fn.functionArn;
    }

    const text = definitionText(def, fs.readFileSync(file, 'utf8'), props.timeouts);
    const missing = placeholdersOf(text).filter((p) => !(p in substitutions));
    if (missing.length > 0)
      throw new Error(`${def.definitionFile} uses placeholders with no value: ${missing.join(', ')}`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${def.name}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromString(text),
      definitionSubstitutions: substitutions,
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The unqualified ARN only (grantInvoke would add `ARN:*` for versions, which nothing here uses).
    const stepArns = Object.values(this.steps).map((s) => s.fn.functionArn);
    if (stepArns.length > 0)
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: stepArns }),
      );

    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy)
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/GetSampling* and CloudWatch Logs delivery (CreateLogDelivery, PutResourcePolicy, ...) have no resource-level permissions; AWS documents Resource "*" for both.',
      });
  }
}
