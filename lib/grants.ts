/**
 * Turns the capabilities a route, step or trigger declares (lib/routes.ts `access`, lib/workflows.ts
 * `StepAccess`) into the narrowest IAM statements and the environment that names the resource. The
 * switch is exhaustive: a new capability does not compile until it is given a grant here. Actions are
 * always named; the only wildcards are in resources (keys under one prefix, executions of one state
 * machine), each acknowledged for cdk-nag with its reason right where it is granted.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { FunctionEnv } from './constructs/handler-function';
import { INDEXES, USAGE_ATTRIBUTES } from '../functions/core/records/table';
import { PREFIX } from './constructs/storage';
import { acknowledgeWildcards } from './nag';
import type { Access } from './routes';
import type { StepAccess } from './workflows';

/** Capabilities of the functions outside the two tables (upload trigger, cleanup). */
export type InternalAccess =
  'ingest:start' | 'ingest:list' | 'ingest:status' | 'video:list-describe' | 'bucket:quarantine-replacement';
export type Capability = Access | StepAccess | InternalAccess;

export interface GrantTargets {
  bucket: IBucket;
  secret: ISecret;
  /** The key upstream callback URLs are signed with (functions/core/callbacks/signature.ts). */
  callbackSecret?: ISecret;
  /** The API's public base URL, for the callback URLs CreateTask hands upstream. */
  callbackBaseUrl?: string;
  /** The custom bus a record write publishes its event on (functions/core/events). */
  eventBus?: IEventBus;
  table?: ITable;
  ingest?: StateMachine;
  video?: StateMachine;
  /** The key webhook endpoint secrets are sealed with (functions/core/webhooks/secret-box.ts). */
  webhookKey?: ISecret;
  /** The webhook delivery state machine. */
  webhook?: StateMachine;
}

/** A Lambda function (or anything with a role that takes environment variables). */
export interface Grantee extends iam.IGrantable, IConstruct {
  addEnvironment(key: string, value: string): unknown;
}

const OBJECT_REASON = (prefix: string) =>
  `Object keys are generated per upload/video; the grant covers only keys under ${prefix} of this stack's bucket.`;
const EXECUTION_REASON =
  "Execution names are the job IDs, known only at run time; the grant covers only this state machine's executions.";

function need<T>(value: T | undefined, what: string, cap: Capability): T {
  if (value === undefined)
    throw new Error(`capability ${cap} needs the ${what}, which this stack does not have`);
  return value;
}

function allow(fn: Grantee, actions: string[], resources: string[], reason?: string): void {
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  if (reason) acknowledgeWildcards(roleScope(fn), resources, reason);
}

/** The construct owning the policy (the role), so the acknowledgement sits next to the statement. */
function roleScope(fn: Grantee): IConstruct {
  const principal = fn.grantPrincipal;
  return principal instanceof iam.Role ? principal : fn;
}

function setEnv(fn: Grantee, env: FunctionEnv): void {
  for (const [k, v] of Object.entries(env)) if (v !== undefined) fn.addEnvironment(k, v);
}

export function executionArnPattern(sm: StateMachine): string {
  return Stack.of(sm).formatArn({
    service: 'states',
    resource: 'execution',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    resourceName: `${sm.stateMachineName}:*`,
  });
}

function objects(t: GrantTargets, prefix: string): string {
  return t.bucket.arnForObjects(`${prefix}*`);
}

/**
 * S3 answers a missing key with 404 only to a caller that may list the bucket, else 403, and the steps
 * tell "already moved" from "forbidden" by that 404. An `s3:prefix` condition cannot narrow it: a
 * GetObject/HeadObject request carries no prefix, so the condition never matches. Listing exposes only
 * key names, which hold our group and upload IDs, never user text.
 */
function allowListing(fn: Grantee, t: GrantTargets): void {
  fn.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [t.bucket.bucketArn] }),
  );
}

function grantBucket(fn: Grantee, cap: Capability, t: GrantTargets): boolean {
  const { incoming, validated, quarantine, videos, idempotency } = PREFIX;
  switch (cap) {
    case 'bucket:presign-upload':
      allow(fn, ['s3:PutObject'], [objects(t, incoming)], OBJECT_REASON(incoming));
      return true;
    case 'bucket:read-videos':
      allow(fn, ['s3:GetObject'], [objects(t, videos)], OBJECT_REASON(videos));
      return true;
    case 'bucket:idempotency':
      allow(
        fn,
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        [objects(t, idempotency)],
        OBJECT_REASON(idempotency),
      );
      allowListing(fn, t);
      return true;
    case 'bucket:read-replaced':
      allow(fn, ['s3:GetObject'], [objects(t, quarantine)], OBJECT_REASON(quarantine));
      allowListing(fn, t);
      return true;
    case 'bucket:read-incoming':
      allow(fn, ['s3:GetObject'], [objects(t, incoming)], OBJECT_REASON(incoming));
      allowListing(fn, t);
      return true;
    case 'bucket:quarantine':
      allow(fn, ['s3:GetObject', 's3:DeleteObject'], [objects(t, incoming)], OBJECT_REASON(incoming));
      // GetObject: a re-run checks (HeadObject) whether the copy is already there.
      allow(fn, ['s3:PutObject', 's3:GetObject'], [objects(t, quarantine)], OBJECT_REASON(quarantine));
      allowListing(fn, t);
      return true;
    case 'bucket:pin-validated':
      // CopyObject reads the source (GetObject under incoming/, from bucket:read-incoming) and writes here.
      allow(fn, ['s3:PutObject'], [objects(t, validated)], OBJECT_REASON(validated));
      return true;
    case 'bucket:presign-validated':
      allow(fn, ['s3:GetObject'], [objects(t, validated)], OBJECT_REASON(validated));
      return true;
    case 'bucket:quarantine-replacement':
      // The trigger compares a later object with the pinned copy (HeadObject) and moves it away.
      allow(fn, ['s3:GetObject'], [objects(t, validated)], OBJECT_REASON(validated));
      allow(fn, ['s3:GetObject', 's3:DeleteObject'], [objects(t, incoming)], OBJECT_REASON(incoming));
      allow(fn, ['s3:PutObject'], [objects(t, quarantine)], OBJECT_REASON(quarantine));
      allowListing(fn, t);
      return true;
    case 'bucket:write-videos':
      // s3:GetObject covers the HeadObject that makes a re-run of the save step skip a finished upload.
      allow(
        fn,
        ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
        [objects(t, videos)],
        OBJECT_REASON(videos),
      );
      return true;
    default:
      return false;
  }
}

/** The table and each of its indexes by name (no index wildcard). */
function tableResources(table: ITable): string[] {
  return [table.tableArn, ...Object.values(INDEXES).map((ix) => `${table.tableArn}/index/${ix.name}`)];
}

function grantTable(fn: Grantee, cap: Capability, t: GrantTargets): boolean {
  if (cap !== 'records:read' && cap !== 'records:write' && cap !== 'records:usage' && cap !== 'budget:use')
    return false;
  const table = need(t.table, 'state table', cap);
  if (cap === 'records:usage')
    // The usage report: Query of the creation-time index only, and only the ledger attributes, so it
    // never reads a prompt, a media URL or a caller's metadata.
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${INDEXES.byCreated.name}`],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...USAGE_ATTRIBUTES] },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
  else if (cap === 'budget:use')
    // Only the governor's items: the partition keys `budget#<name>`, read and updated one at a time.
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['budget#*'] } },
      }),
    );
  else if (cap === 'records:read') allow(fn, ['dynamodb:GetItem', 'dynamodb:Query'], tableResources(table));
  // Conditional writes of one record at a time; no Scan, no batch, no table-level change. GetItem: a
  // write reads the record first, to put the event of a status change in its outbox.
  else {
    allow(
      fn,
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
      [table.tableArn],
    );
    // A write that moves a job publishes its event on the stack's bus.
    if (t.eventBus) {
      allow(fn, ['events:PutEvents'], [t.eventBus.eventBusArn]);
      setEnv(fn, { EVENT_BUS_NAME: t.eventBus.eventBusName });
    }
  }
  setEnv(fn, { TABLE_NAME: table.tableName });
  return true;
}

export function grantCapability(fn: Grantee, cap: Capability, t: GrantTargets): void {
  if (grantBucket(fn, cap, t)) {
    setEnv(fn, { BUCKET_NAME: t.bucket.bucketName });
    return;
  }
  if (grantTable(fn, cap, t)) return;
  const ingest = () => need(t.ingest, 'ingest state machine', cap);
  const video = () => need(t.video, 'video state machine', cap);
  const onExecutions = (sm: StateMachine, actions: string[]) =>
    allow(fn, actions, [executionArnPattern(sm)], EXECUTION_REASON);
  const onMachine = (sm: StateMachine, actions: string[]) => allow(fn, actions, [sm.stateMachineArn]);
  switch (cap) {
    case 'upstream':
      allow(fn, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], [t.secret.secretArn]);
      setEnv(fn, { CREDENTIALS_SECRET_ID: t.secret.secretArn });
      return;
    case 'ingest:start':
      onMachine(ingest(), ['states:StartExecution']);
      break;
    case 'ingest:status':
      onExecutions(ingest(), ['states:DescribeExecution']);
      break;
    case 'ingest:list':
      onMachine(ingest(), ['states:ListExecutions']);
      onExecutions(ingest(), ['states:DescribeExecution']);
      break;
    case 'video:start':
      onMachine(video(), ['states:StartExecution']);
      break;
    case 'video:list-describe':
      onMachine(video(), ['states:ListExecutions']);
      onExecutions(video(), ['states:DescribeExecution']);
      break;
    case 'video:stop':
      onExecutions(video(), ['states:StopExecution']);
      break;
    case 'video:task-response':
      // What CDK's grantTaskResponse grants: wake the waiting state of one of this machine's executions.
      onMachine(video(), ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']);
      break;
    case 'callback:verify':
    case 'callback:sign': {
      const key = need(t.callbackSecret, 'callback signing secret', cap);
      allow(fn, ['secretsmanager:GetSecretValue'], [key.secretArn]);
      setEnv(fn, { CALLBACK_SECRET_ID: key.secretArn });
      if (cap === 'callback:sign') setEnv(fn, { CALLBACK_BASE_URL: t.callbackBaseUrl });
      return;
    }
    case 'webhook:seal': {
      const key = need(t.webhookKey, 'webhook sealing key', cap);
      allow(fn, ['secretsmanager:GetSecretValue'], [key.secretArn]);
      setEnv(fn, { WEBHOOK_KEY_SECRET_ID: key.secretArn });
      return;
    }
    case 'webhook:deliver': {
      const sm = need(t.webhook, 'webhook delivery state machine', cap);
      onMachine(sm, ['states:StartExecution']);
      setEnv(fn, { WEBHOOK_STATE_MACHINE_ARN: sm.stateMachineArn });
      return;
    }
    case 'bucket:presign-upload':
    case 'bucket:read-videos':
    case 'bucket:read-replaced':
    case 'bucket:idempotency':
    case 'bucket:read-incoming':
    case 'bucket:quarantine':
    case 'bucket:pin-validated':
    case 'bucket:presign-validated':
    case 'bucket:quarantine-replacement':
    case 'bucket:write-videos':
    case 'records:read':
    case 'records:write':
    case 'records:usage':
    case 'budget:use':
      return;
    default: {
      const unknown: never = cap;
      throw new Error(`no grant defined for capability ${String(unknown)}`);
    }
  }
  if (cap.startsWith('ingest:')) setEnv(fn, { INGEST_STATE_MACHINE_ARN: t.ingest?.stateMachineArn });
  if (cap.startsWith('video:')) setEnv(fn, { VIDEO_STATE_MACHINE_ARN: t.video?.stateMachineArn });
}

export function grantCapabilities(fn: Grantee, caps: readonly Capability[], t: GrantTargets): void {
  for (const cap of new Set(caps)) grantCapability(fn, cap, t);
}
