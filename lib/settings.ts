/**
 * Deployment settings, read once from CDK context (`cdk.json`, `-c key=value`) and checked, so every
 * construct gets typed values and a typo fails synth instead of a deploy. Names and defaults are in the
 * README's "Configuration" table.
 */
import type { Node } from 'constructs';
import { z } from 'zod';
import { ASSET_TIERS, MAX_QUEUE_WAIT_SECONDS, TASK_TIERS } from '../functions/core/governor/budgets';

const bool = (def: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(def)
    .transform((v) => v === true || v === 'true');
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** The values CloudWatch Logs accepts for a retention period. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const schema = z.object({
  /** Ark project of every group and asset (case-sensitive; must match the APIYI token's). */
  projectName: z.string().min(1).default('default'),
  volcEndpoint: optional,
  volcRegion: optional,
  seedanceApiBase: optional,
  seedanceModel: optional,
  /** Models callers may pick, `id` or `id=row` comma-separated (functions/core/video/models.ts). */
  seedanceModels: optional,
  /** The API's public base URL (custom domain) for the real-person callback; default the stage URL. */
  publicApiUrl: optional,
  /** Video/audio asset limit set (MEDIA_LIMITS): `2026-09` (newer, the default) or `2026-03` (preview). */
  mediaLimits: z.enum(['2026-09', '2026-03']).optional(),
  /**
   * The cost ledger's price table (PRICE_TABLE): an object (in cdk.json) or its JSON, model row or ID →
   * resolution → currency units per million tokens; replaces the default (functions/core/usage/prices.ts).
   */
  priceTable: z
    .union([z.record(z.string(), z.unknown()), z.string().min(1)])
    .optional()
    .transform((v) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v))),
  /** Currency of the price table (PRICE_CURRENCY), e.g. CNY (the default's) or USD. */
  priceCurrency: optional,
  /** Longest range one GET /usage may cover (USAGE_MAX_RANGE_DAYS). */
  usageMaxRangeDays: z.coerce.number().int().min(1).max(366).optional(),
  /** Use an existing secret instead of creating one (full or partial ARN). */
  credentialsSecretArn: optional,
  /** Days a generated video is kept under videos/ (S3 lifecycle). */
  videoRetentionDays: int(30, 1, 3650),
  /** Seconds a video may take before it is cancelled (VIDEO_DEADLINE_SECONDS); the execution's backstop follows it. */
  videoDeadlineSeconds: int(3600, 60, 86_400),
  /** The asset library's entitlement tier: the governor's CreateAsset budget (3 / 120 / 300 per minute). */
  upstreamAssetTier: z.enum(ASSET_TIERS).default('basic'),
  /** Overrides the tier's CreateAsset count per minute: this stack's share of an account others use too. */
  createAssetPerMinute: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Seconds a job may wait for upstream budget before it ends `expired`; the ingest backstop follows it. */
  queueMaxWaitSeconds: int(86_400, 60, MAX_QUEUE_WAIT_SECONDS),
  /** The task API's account kind (personal / enterprise): task creates per minute and running slots per model. */
  upstreamTaskTier: z.enum(TASK_TIERS).default('personal'),
  /** Overrides the tier's task creates per minute (180 / 600): this stack's share. */
  taskCreatePerMinute: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Overrides the tier's running tasks per model (3 / 10): this stack's share of the slots. */
  taskSlotsPerModel: z.coerce.number().int().min(1).max(1_000).optional(),
  /** Overrides Get task per second (20). */
  getTaskPerSecond: z.coerce.number().int().min(1).max(1_000).optional(),
  /** `execution_expires_after` of every task (3600–259200): how long upstream may hold it queued and running. */
  videoExecutionExpiresAfterSeconds: int(172_800, 3_600, 259_200),
  /** Days an upload or video record is kept after its last change (DynamoDB TTL). */
  recordTtlDays: int(400, 1, 3650),
  /** false: the state table is deleted with the stack (throwaway stacks); default keeps it. */
  retainStateTable: bool(true),
  /** EventBridge schedule expression of the cleanup run. */
  cleanupSchedule: z.string().min(1).default('cron(0 3 * * ? *)'),
  cleanupMaxAgeDays: int(30, 1, 3650),
  cleanupDryRun: bool(false),
  /** Marker tag of the groups this deployment owns; defaults to the stack name. */
  managedGroupTag: optional,
  /** Origins allowed to POST uploads from a browser. */
  corsAllowedOrigins: z
    .union([z.array(z.string().min(1)), z.string().min(1)])
    .default(['*'])
    .transform((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v)),
  apiThrottleRateLimit: int(20, 1, 10_000),
  apiThrottleBurstLimit: int(40, 1, 5_000),
  logRetentionDays: z.coerce
    .number()
    .int()
    .default(30)
    .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** SNS topic the alarms notify; none = alarms only show in the console. */
  alarmTopicArn: optional,
  /**
   * API Gateway needs an account-level CloudWatch role for its logs. true = this stack sets it (the
   * account has one such setting; turn off when another stack already manages it).
   */
  apiGatewayCloudWatchRole: bool(true),
});

export type StackSettings = z.infer<typeof schema>;
export const SETTING_NAMES = Object.keys(schema.shape) as Array<keyof StackSettings>;

export function readSettings(node: Node): StackSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_NAMES) {
    const v: unknown = node.tryGetContext(key);
    if (v !== undefined) raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid CDK context: ${problems}`);
  }
  return parsed.data;
}
