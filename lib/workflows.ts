/**
 * The state machines and the Lambda steps their ASL files call. Each Task state's Resource is a
 * `${<Substitution>}` placeholder; CDK substitutes the function ARN, the local runner a local handler.
 * `access` has the same role as in the route table: the stack derives each step's grants from it.
 */
import { INGEST_POLL_POLICY } from '../functions/core/uploads/ingest';
import { videoBackstopSeconds } from '../functions/core/video/job';

export type StepAccess =
  | 'upstream' // credentials secret + Volcengine/Ark calls
  | 'bucket:read-incoming' // HeadObject/GetObject under incoming/
  | 'bucket:quarantine' // move incoming/ objects to quarantine/ (copy + delete)
  | 'bucket:pin-validated' // copy a checked incoming/ object to validated/ (PutObject there)
  | 'bucket:presign-validated' // presigned GET of validated/ objects for CreateAsset
  | 'bucket:write-videos' // multipart upload + HeadObject (s3:GetObject) under videos/
  | 'records:write' // the step's transition in the state table
  | 'callback:sign' // sign upstream callback URLs (the key, and the API's public base URL)
  | 'budget:use' // read and conditionally write the governor's budget items (budget#…) in the state table
  | 'records:read' // GetItem / Query on the state table (webhook endpoints, events, a job's deliveries)
  | 'webhook:seal'; // open the sealed endpoint secrets (the webhook key)

export interface StepDef {
  /** Placeholder name used in the ASL (`${ValidateImageFunctionArn}`). */
  substitution: string;
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  access: StepAccess[];
  /** Lambda timeout in seconds (default 30). */
  timeoutSeconds?: number;
  /** Lambda memory in MB (default 256). */
  memoryMb?: number;
}

/** The settings a definition's execution timeout is computed from. */
export interface WorkflowTimeouts {
  videoDeadlineSeconds: number;
  /** The longest wait for upstream budget (QUEUE_MAX_WAIT_SECONDS). */
  queueMaxWaitSeconds: number;
  /** How long upstream may hold a task (VIDEO_EXECUTION_EXPIRES_AFTER_SECONDS). */
  videoExecutionExpiresAfterSeconds?: number;
}

export interface WorkflowDef {
  /** `ingest`, `video` or `webhook` (deliveries); also the construct ID stem. */
  name: 'ingest' | 'video' | 'webhook';
  /** ASL file from the repository root. */
  definitionFile: string;
  steps: StepDef[];
  /**
   * Extra `${Name}` placeholders with literal values (the stack also provides `${BucketName}`); every
   * placeholder in the ASL must be a step substitution, one of these, or BucketName, or synth fails.
   */
  substitutions?: Record<string, string>;
  /**
   * The execution's TimeoutSeconds when it follows a setting; the stack and the local runner both put
   * it into the definition (definitionText), so the ASL file carries none.
   */
  timeoutSeconds?: (t: WorkflowTimeouts) => number;
}

export const workflows: readonly WorkflowDef[] = [
  {
    name: 'ingest',
    definitionFile: 'statemachines/asset-ingest.asl.json',
    // The longest wait for budget, then the work's own 15 min deadline, then an hour of slack.
    timeoutSeconds: (t) => ingestBackstopSeconds(t.queueMaxWaitSeconds),
    steps: [
      {
        substitution: 'ValidateImageFunctionArn',
        handler: 'functions/steps/ingest/validate-image.ts',
        access: ['bucket:read-incoming', 'bucket:pin-validated'],
        timeoutSeconds: 30,
      },
      {
        substitution: 'QuarantineImageFunctionArn',
        handler: 'functions/steps/ingest/quarantine-image.ts',
        access: ['bucket:quarantine'],
        timeoutSeconds: 30,
      },
      {
        // Also RecoverCreateAsset (same handler, lookupFirst): ListAssets before CreateAsset.
        substitution: 'CreateAssetFunctionArn',
        handler: 'functions/steps/ingest/create-asset.ts',
        access: ['upstream', 'bucket:presign-validated', 'records:write', 'budget:use'],
        timeoutSeconds: 30,
      },
      {
        substitution: 'CheckAssetFunctionArn',
        handler: 'functions/steps/ingest/check-asset.ts',
        access: ['upstream'],
        timeoutSeconds: 30,
      },
    ],
  },
  {
    name: 'video',
    definitionFile: 'statemachines/video-generation.asl.json',
    timeoutSeconds: (t) => videoBackstopSeconds(t),
    steps: [
      {
        substitution: 'CreateVideoTaskFunctionArn',
        handler: 'functions/steps/video/create-task.ts',
        access: ['upstream', 'records:write', 'callback:sign', 'budget:use'],
        timeoutSeconds: 30,
      },
      {
        substitution: 'FindVideoTaskFunctionArn',
        handler: 'functions/steps/video/find-task.ts',
        access: ['upstream', 'records:write'],
        timeoutSeconds: 60,
      },
      {
        // Invoked by WaitForTask (.waitForTaskToken): stores the token for the callback route.
        substitution: 'AwaitVideoCallbackFunctionArn',
        handler: 'functions/steps/video/await-callback.ts',
        access: ['records:write'],
        timeoutSeconds: 10,
      },
      {
        substitution: 'PollVideoTaskFunctionArn',
        handler: 'functions/steps/video/poll-task.ts',
        access: ['upstream', 'records:write', 'budget:use'],
        timeoutSeconds: 30,
      },
      {
        substitution: 'RescheduleVideoPollFunctionArn',
        handler: 'functions/steps/video/reschedule-poll.ts',
        access: [],
        timeoutSeconds: 10,
      },
      {
        substitution: 'CancelVideoTaskFunctionArn',
        handler: 'functions/steps/video/cancel-on-deadline.ts',
        access: ['upstream', 'budget:use'],
        timeoutSeconds: 30,
      },
      {
        // Streams up to hundreds of MB: long timeout; memory only for throughput (the upload buffers
        // two 5 MiB parts whatever the size).
        substitution: 'SaveVideoFunctionArn',
        handler: 'functions/steps/video/save-video.ts',
        access: ['upstream', 'bucket:write-videos', 'records:write', 'budget:use'],
        timeoutSeconds: 900,
        memoryMb: 512,
      },
    ],
  },
  {
    name: 'webhook',
    definitionFile: 'statemachines/webhook-delivery.asl.json',
    // The whole retry schedule (≈ 3.3 days) with its jitter and the holds behind a job's earlier events.
    timeoutSeconds: () => WEBHOOK_DELIVERY_BACKSTOP_SECONDS,
    steps: [
      {
        // An attempt waits at most 15 s for the receiver.
        substitution: 'DeliverWebhookFunctionArn',
        handler: 'functions/steps/webhooks/deliver.ts',
        access: ['records:read', 'records:write', 'webhook:seal'],
        timeoutSeconds: 30,
      },
    ],
  },
];

/** A delivery execution's TimeoutSeconds: 5 days, past the ≈ 3.3 days of the retry schedule. */
export const WEBHOOK_DELIVERY_BACKSTOP_SECONDS = 5 * 86_400;

/** The ASL text as deployed and run locally: the file, with the setting-derived TimeoutSeconds. */
export const INGEST_BACKSTOP_ALLOWANCE_SECONDS = 3600;

/** The ingest execution's TimeoutSeconds: never before a job queued within its cap has had its work time. */
export function ingestBackstopSeconds(queueMaxWaitSeconds: number): number {
  return queueMaxWaitSeconds + INGEST_POLL_POLICY.deadlineSeconds + INGEST_BACKSTOP_ALLOWANCE_SECONDS;
}

export function definitionText(def: WorkflowDef, fileText: string, t: WorkflowTimeouts): string {
  if (!def.timeoutSeconds) return fileText;
  const machine = JSON.parse(fileText) as Record<string, unknown>;
  if (machine.TimeoutSeconds !== undefined)
    throw new Error(`${def.definitionFile} sets TimeoutSeconds itself; it comes from the settings`);
  const { Comment, StartAt, ...rest } = machine;
  return JSON.stringify({ Comment, StartAt, TimeoutSeconds: def.timeoutSeconds(t), ...rest }, null, 2);
}

export function workflow(name: WorkflowDef['name']): WorkflowDef {
  const w = workflows.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workflow ${name}`);
  return w;
}
