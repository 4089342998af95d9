/**
 * The one stack: storage, secret, the two workflows and their upload trigger, the REST API, the
 * cleanup schedule and the alarms, composed from constructs split by concern. Routes and workflows
 * come from the shared tables (lib/routes.ts, lib/workflows.ts); tests may pass their own.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { markerFor } from '../functions/core/groups/marker';
import { loadConfig } from '../functions/core/config';
import { Api } from './constructs/api';
import { StackEventBus } from './constructs/event-bus';
import { Cleanup } from './constructs/cleanup';
import { metricsNamespace, OperationsDashboard } from './constructs/dashboard';
import type { FunctionEnv } from './constructs/handler-function';
import { Monitoring } from './constructs/monitoring';
import { CallbackKey, CredentialsSecret } from './constructs/secrets';
import { ExecutionEnded, StateTable } from './constructs/state-table';
import { Storage } from './constructs/storage';
import { UploadTrigger } from './constructs/upload-trigger';
import { WebhookDelivery, WebhookKey } from './constructs/webhooks';
import { Workflow } from './constructs/workflows';
import { routes as defaultRoutes, type Route } from './routes';
import { readSettings, type StackSettings } from './settings';
import { workflows as defaultWorkflows, type WorkflowDef } from './workflows';

export interface SeedanceStackProps extends StackProps {
  routes?: readonly Route[];
  workflows?: readonly WorkflowDef[];
  /** Overrides CDK context (tests). */
  settings?: Partial<StackSettings>;
  /** Module paths of the trigger and cleanup functions (tests substitute stand-ins). */
  handlers?: { uploadTrigger?: string; cleanup?: string };
}

export class SeedanceStack extends Stack {
  readonly settings: StackSettings;
  readonly storage: Storage;
  readonly credentials: CredentialsSecret;
  readonly workflows: Partial<Record<WorkflowDef['name'], Workflow>> = {};
  readonly api: Api;
  readonly cleanup: Cleanup;
  readonly uploadTrigger: UploadTrigger | undefined;
  readonly monitoring: Monitoring;
  readonly dashboard: OperationsDashboard;
  readonly stateTable: StateTable;
  readonly executionEnded: ExecutionEnded | undefined;
  readonly callbackKey: CallbackKey;
  readonly eventBus: StackEventBus;
  readonly webhookKey: WebhookKey;
  readonly webhooks: WebhookDelivery | undefined;

  constructor(scope: Construct, id: string, props: SeedanceStackProps = {}) {
    super(scope, id, props);
    const s = { ...readSettings(this.node), ...(props.settings ?? {}) };
    this.settings = s;
    const managedTag = s.managedGroupTag ?? this.stackName;
    markerFor(managedTag); // throws at synth, not at the first POST /groups, on a tag that cannot be a marker

    const environment: FunctionEnv = {
      ARK_PROJECT_NAME: s.projectName,
      MANAGED_GROUP_TAG: managedTag,
      LOG_LEVEL: s.logLevel,
      RECORD_TTL_DAYS: String(s.recordTtlDays),
      VIDEO_DEADLINE_SECONDS: String(s.videoDeadlineSeconds),
      UPSTREAM_ASSET_TIER: s.upstreamAssetTier,
      QUEUE_MAX_WAIT_SECONDS: String(s.queueMaxWaitSeconds),
      ...(s.createAssetPerMinute ? { CREATE_ASSET_PER_MINUTE: String(s.createAssetPerMinute) } : {}),
      UPSTREAM_TASK_TIER: s.upstreamTaskTier,
      VIDEO_EXECUTION_EXPIRES_AFTER_SECONDS: String(s.videoExecutionExpiresAfterSeconds),
      ...(s.taskCreatePerMinute ? { TASK_CREATE_PER_MINUTE: String(s.taskCreatePerMinute) } : {}),
      ...(s.taskSlotsPerModel ? { TASK_SLOTS_PER_MODEL: String(s.taskSlotsPerModel) } : {}),
      ...(s.getTaskPerSecond ? { GET_TASK_PER_SECOND: String(s.getTaskPerSecond) } : {}),
      ...(s.volcEndpoint ? { VOLC_ENDPOINT: s.volcEndpoint } : {}),
      ...(s.volcRegion ? { VOLC_REGION: s.volcRegion } : {}),
      ...(s.seedanceApiBase ? { SEEDANCE_API_BASE: s.seedanceApiBase } : {}),
      ...(s.seedanceModel ? { SEEDANCE_MODEL: s.seedanceModel } : {}),
      ...(s.seedanceModels ? { SEEDANCE_MODELS: s.seedanceModels } : {}),
      ...(s.publicApiUrl ? { PUBLIC_API_URL: s.publicApiUrl } : {}),
      ...(s.mediaLimits ? { MEDIA_LIMITS: s.mediaLimits } : {}),
      ...(s.priceTable ? { PRICE_TABLE: s.priceTable } : {}),
      ...(s.priceCurrency ? { PRICE_CURRENCY: s.priceCurrency } : {}),
      ...(s.usageMaxRangeDays ? { USAGE_MAX_RANGE_DAYS: String(s.usageMaxRangeDays) } : {}),
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(this.stackName),
    };

    // A model list, media set or price table the functions would refuse fails the synth, not the first request.
    loadConfig(environment);

    this.storage = new Storage(this, 'Storage', {
      videoRetentionDays: s.videoRetentionDays,
      corsAllowedOrigins: s.corsAllowedOrigins,
    });
    this.credentials = new CredentialsSecret(this, 'Credentials', {
      ...(s.credentialsSecretArn ? { importArn: s.credentialsSecretArn } : {}),
    });
    const bucket = this.storage.bucket;
    const secret = this.credentials.secret;
    this.stateTable = new StateTable(this, 'State', { retain: s.retainStateTable });
    const table = this.stateTable.table;
    this.callbackKey = new CallbackKey(this, 'CallbackKey');
    this.eventBus = new StackEventBus(this, 'Events', { busName: `${this.stackName}-events` });
    const eventBus = this.eventBus.bus;
    const callbackSecret = this.callbackKey.secret;
    this.webhookKey = new WebhookKey(this, 'WebhookKey');
    const webhookKey = this.webhookKey.secret;

    for (const def of props.workflows ?? defaultWorkflows) {
      const label = def.name.charAt(0).toUpperCase() + def.name.slice(1);
      this.workflows[def.name] = new Workflow(this, `${label}Workflow`, {
        def,
        bucket,
        secret,
        table,
        callbackSecret,
        eventBus,
        webhookKey,
        environment,
        logRetentionDays: s.logRetentionDays,
        timeouts: {
          videoDeadlineSeconds: s.videoDeadlineSeconds,
          queueMaxWaitSeconds: s.queueMaxWaitSeconds,
          videoExecutionExpiresAfterSeconds: s.videoExecutionExpiresAfterSeconds,
        },
      });
    }
    const ingest = this.workflows.ingest?.stateMachine;
    const video = this.workflows.video?.stateMachine;
    const webhook = this.workflows.webhook?.stateMachine;
    const targets = {
      bucket,
      secret,
      table,
      callbackSecret,
      eventBus,
      webhookKey,
      ...(ingest ? { ingest } : {}),
      ...(video ? { video } : {}),
      ...(webhook ? { webhook } : {}),
    };

    this.uploadTrigger = ingest
      ? new UploadTrigger(this, 'UploadTrigger', {
          bucket,
          secret,
          ingest,
          table,
          eventBus,
          environment,
          logRetentionDays: s.logRetentionDays,
          ...(props.handlers?.uploadTrigger ? { handler: props.handlers.uploadTrigger } : {}),
        })
      : undefined;

    this.api = new Api(this, 'Api', {
      routes: props.routes ?? defaultRoutes,
      targets,
      environment,
      logRetentionDays: s.logRetentionDays,
      throttleRateLimit: s.apiThrottleRateLimit,
      throttleBurstLimit: s.apiThrottleBurstLimit,
      cloudWatchRole: s.apiGatewayCloudWatchRole,
    });

    // Steps that sign callback URLs learn the API's public URL once the API exists.
    for (const w of Object.values(this.workflows))
      for (const step of w?.def.steps ?? [])
        if (step.access.includes('callback:sign'))
          w?.steps[step.substitution]?.fn.addEnvironment('CALLBACK_BASE_URL', this.api.publicBaseUrl);

    this.cleanup = new Cleanup(this, 'Cleanup', {
      targets,
      environment,
      logRetentionDays: s.logRetentionDays,
      schedule: s.cleanupSchedule,
      maxAgeDays: s.cleanupMaxAgeDays,
      dryRun: s.cleanupDryRun,
      ...(props.handlers?.cleanup ? { handler: props.handlers.cleanup } : {}),
    });

    this.webhooks = webhook
      ? new WebhookDelivery(this, 'WebhookDelivery', {
          bus: eventBus,
          targets,
          environment,
          logRetentionDays: s.logRetentionDays,
        })
      : undefined;

    const stateMachines: Record<string, sfn.IStateMachine> = {};
    for (const [name, w] of Object.entries(this.workflows)) if (w) stateMachines[name] = w.stateMachine;
    // Only jobs have records to finish: a delivery's end is its own item's business.
    const jobMachines = Object.entries(stateMachines)
      .filter(([name]) => name !== 'webhook')
      .map(([, sm]) => sm);
    this.executionEnded =
      jobMachines.length > 0
        ? new ExecutionEnded(this, 'ExecutionEnded', {
            stateMachines: jobMachines,
            targets,
            environment,
            logRetentionDays: s.logRetentionDays,
          })
        : undefined;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachines,
      cleanupFunction: this.cleanup.fn.fn,
      restApi: this.api.restApi,
      ...(this.uploadTrigger ? { failedUploadEvents: this.uploadTrigger.failedEvents } : {}),
      ...(this.executionEnded ? { failedRecordEvents: this.executionEnded.failedEvents } : {}),
      ...(this.webhooks ? { failedWebhookEvents: this.webhooks.failedEvents } : {}),
      ...(s.alarmTopicArn ? { alarmTopicArn: s.alarmTopicArn } : {}),
      metricsNamespace: metricsNamespace(this.stackName),
    });
    this.dashboard = new OperationsDashboard(this, 'Operations', {
      namespace: metricsNamespace(this.stackName),
      alarms: this.monitoring.alarms,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'StateTableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: eventBus.eventBusName });
    new CfnOutput(this, 'CredentialsSecretArn', { value: secret.secretArn });
    if (ingest) new CfnOutput(this, 'IngestStateMachineArn', { value: ingest.stateMachineArn });
    if (video) new CfnOutput(this, 'VideoStateMachineArn', { value: video.stateMachineArn });
    if (webhook) new CfnOutput(this, 'WebhookStateMachineArn', { value: webhook.stateMachineArn });
  }
}
