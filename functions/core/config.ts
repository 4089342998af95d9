/**
 * The one place that reads and checks configuration. Every Lambda, the local stack and the CLI call
 * `loadConfig()`; nothing else touches `process.env` for settings. AWS endpoints are not here: the SDK
 * reads its own `AWS_ENDPOINT_URL_<SERVICE>` variables, so local mode changes no code.
 */
import * as z from 'zod/mini';
import './zod-messages';
import {
  ASSET_TIERS,
  CREATE_ASSET_PER_MINUTE,
  MAX_QUEUE_WAIT_SECONDS,
  TASK_LIMITS,
  TASK_TIERS,
  type AssetTier,
  type TaskTier,
} from './governor/budgets';
import { MEDIA_LIMIT_SETS, type MediaLimitSet, type MediaRules } from './media/rules';
import { ModelCatalog, parseModelList, type ModelChoice } from './video/models';
import { IMAGE_RULES } from './image/rules';
import {
  DEFAULT_CURRENCY,
  defaultPriceTable,
  parsePriceTable,
  type PriceTable,
  type Pricing,
} from './usage/prices';

// zod/mini, not zod: every Lambda loads this module, and the steps need nothing else of zod; mini's
// functions tree-shake (about 20 KiB here) where the classic API brings its whole 90 KiB with it.
// Mini loads no messages of its own; ./zod-messages sets the English ones (what classic zod sets),
// which name the broken limit.
const number = (min: number, max: number) => z.coerce.number().check(z.gte(min), z.lte(max));
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), def);
const withDefault = <T extends z.core.SomeType>(schema: T, def: z.core.util.NoUndefined<z.core.output<T>>) =>
  z._default(schema, def);
const nonEmpty = (def: string) => z._default(z.string().check(z.minLength(1)), def);
const url = (def: string) => z._default(z.url(), def);
const flag = (def: 'true' | 'false') =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0', '']), def),
    z.transform((v) => v === 'true' || v === '1'),
  );
const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
);
const optionalPositive = z.pipe(
  optionalString,
  z.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (Number.isFinite(n) && n > 0) return n;
    ctx.issues.push({ code: 'custom', message: 'must be a positive number', input: v });
    return z.NEVER;
  }),
);

const schema = z.object({
  ARK_PROJECT_NAME: nonEmpty('default'),
  VOLC_ENDPOINT: url('https://open.volcengineapi.com'),
  VOLC_REGION: nonEmpty('cn-beijing'),
  SEEDANCE_API_BASE: url('https://api.apiyi.com/seedance'),
  SEEDANCE_MODEL: nonEmpty('doubao-seedance-2-0-260128'),
  /**
   * Models callers may pick (functions/core/video/models.ts): `id` or `id=row`, comma-separated; unset =
   * every published ID in both spellings (doubao-/dreamina-).
   */
  SEEDANCE_MODELS: optionalString,
  /**
   * Base URL of this API as the internet reaches it (custom domain), for the real-person callback link;
   * unset = the URL the request came in on.
   */
  PUBLIC_API_URL: optionalString,
  /** Lifetime of a real-person session (the vendor's token lasts 30 min). */
  REAL_PERSON_SESSION_SECONDS: int(1_800, 60, 1_800),
  CREDENTIALS_SECRET_ID: optionalString,
  /** Seconds a cached secret value is trusted before it is read again (rotation pick-up). */
  SECRET_CACHE_TTL_SECONDS: int(300, 0, 86_400),
  BUCKET_NAME: optionalString,
  /** Path-style S3 addressing, for local S3 servers (s3rver) whose bucket names do not resolve as hosts. */
  S3_FORCE_PATH_STYLE: flag('false'),
  /** The state table (functions/core/records/table.ts): upload and video records. */
  TABLE_NAME: optionalString,
  /** Days a record is kept after its last change (DynamoDB TTL); outlives the 90-day execution history. */
  RECORD_TTL_DAYS: int(400, 1, 3_650),
  INGEST_STATE_MACHINE_ARN: optionalString,
  VIDEO_STATE_MACHINE_ARN: optionalString,
  /** Per-call timeout for upstream HTTP requests. */
  UPSTREAM_TIMEOUT_MS: int(15_000, 100, 120_000),
  UPLOAD_URL_TTL_SECONDS: int(600, 60, 3_600),
  DOWNLOAD_URL_TTL_SECONDS: int(900, 60, 3_600),
  /** Presigned GET lifetime handed to CreateAsset. */
  ASSET_SOURCE_URL_TTL_SECONDS: int(900, 60, 3_600),
  /** Largest accepted upload; upstream refuses 30 MB and more, so a higher value could never work. */
  MAX_IMAGE_BYTES: int(IMAGE_RULES.maxBytes, 1, IMAGE_RULES.maxBytes),
  /**
   * Video/audio asset limits (functions/core/media/rules.ts): `2026-09`, the newer gateway figures
   * (default), or `2026-03`, the preview's. The settings below override single figures of the set.
   */
  MEDIA_LIMITS: withDefault(z.enum(['2026-09', '2026-03']), '2026-09'),
  MAX_VIDEO_BYTES: optionalPositive,
  MAX_AUDIO_BYTES: optionalPositive,
  VIDEO_MIN_SECONDS: optionalPositive,
  VIDEO_MAX_SECONDS: optionalPositive,
  AUDIO_MIN_SECONDS: optionalPositive,
  AUDIO_MAX_SECONDS: optionalPositive,
  VIDEO_MIN_FPS: optionalPositive,
  VIDEO_MAX_FPS: optionalPositive,
  VIDEO_MIN_PIXELS: optionalPositive,
  VIDEO_MAX_PIXELS: optionalPositive,
  /** Whether a video asset must (`required`), must not (`forbidden`) or may (`any`) carry sound. */
  VIDEO_AUDIO_TRACK: withDefault(z.enum(['any', 'required', 'forbidden', '']), ''),
  CLEANUP_MAX_AGE_DAYS: int(30, 1, 3_650),
  CLEANUP_DRY_RUN: flag('false'),
  /** Marks groups this stack created, so cleanup never touches anyone else's. */
  MANAGED_GROUP_TAG: nonEmpty('seedance-stack'),
  LOG_LEVEL: withDefault(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  /**
   * Multiplies every wait the state machines schedule (poll delays, deadlines). 1 in AWS; the local
   * stack sets it from LOCAL_TIME_SCALE so waits and the simulator's delays shrink together.
   */
  TIME_SCALE: z._default(z.coerce.number().check(z.positive(), z.lte(1)), 1),
  /** Video poll loop (functions/core/video/policy.ts): first check, growth, cap and deadline, in seconds. */
  VIDEO_FIRST_POLL_SECONDS: int(20, 1, 600),
  VIDEO_POLL_FACTOR: z._default(number(1, 4), 1.25),
  VIDEO_MAX_POLL_SECONDS: int(30, 1, 600),
  VIDEO_DEADLINE_SECONDS: int(3_600, 60, 86_400),
  /**
   * Public base URL of this stack's API (deployed: the stage URL; local: the local API). When set,
   * CreateTask passes `callback_url` and the poll loop becomes the fallback for missed callbacks.
   */
  CALLBACK_BASE_URL: optionalString,
  /** Secret holding the key the callback URLs are signed with (JSON `{"key": …}` or the plain key). */
  CALLBACK_SECRET_ID: optionalString,
  /** While a callback is expected: the longest wait between two looks at the task, in seconds. */
  VIDEO_CALLBACK_FALLBACK_SECONDS: int(60, 1, 600),
  /** The custom EventBridge bus every record write publishes its event on (functions/core/events). */
  EVENT_BUS_NAME: optionalString,
  /** Secret holding the key webhook endpoint secrets are sealed with (functions/core/webhooks/secret-box.ts). */
  WEBHOOK_KEY_SECRET_ID: optionalString,
  /** The webhook delivery state machine (one execution per event and endpoint). */
  WEBHOOK_STATE_MACHINE_ARN: optionalString,
  /**
   * The local stack's receivers listen on loopback over plain HTTP (`seedance webhooks listen`): only
   * it sets this. Deployed, webhook URLs must be https to a public address.
   */
  WEBHOOK_ALLOW_LOOPBACK: flag('false'),
  /** Days the event log (replay source and outbox) and delivery items are kept. */
  EVENT_RETENTION_DAYS: int(30, 1, 400),
  /** The asset library's entitlement tier (UPSTREAM.md §1): the CreateAsset budget per 60 s. */
  UPSTREAM_ASSET_TIER: withDefault(z.enum(ASSET_TIERS), 'basic'),
  /** Overrides the tier's CreateAsset count (this stack's share of an account others use too). */
  CREATE_ASSET_PER_MINUTE: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000))),
  /** How long a job may wait for budget in all before it ends `expired` (default 24 h). */
  QUEUE_MAX_WAIT_SECONDS: int(86_400, 60, MAX_QUEUE_WAIT_SECONDS),
  /**
   * The cost ledger's prices (functions/core/usage/prices.ts): JSON `{"<model row or ID>": {"<resolution>":
   * <per million tokens> | {"base": n, "videoInput": n}}}`, replacing the default table whole; unset = the
   * default (Volcengine's list prices in CNY).
   */
  PRICE_TABLE: optionalString,
  /** Currency of PRICE_TABLE (ISO 4217 code). */
  PRICE_CURRENCY: withDefault(
    z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY or USD')),
    DEFAULT_CURRENCY,
  ),
  /** Longest range one GET /usage may cover, in days. */
  USAGE_MAX_RANGE_DAYS: int(92, 1, 366),
  /** The task API's account kind (UPSTREAM.md §2): create RPM and running slots per model. */
  UPSTREAM_TASK_TIER: withDefault(z.enum(TASK_TIERS), 'personal'),
  /** Overrides the tier's task creates per 60 s (this stack's share). */
  TASK_CREATE_PER_MINUTE: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000))),
  /** Overrides the tier's running tasks per model (this stack's share of the slots). */
  TASK_SLOTS_PER_MODEL: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1_000))),
  /** Overrides Get task per second (20 on both tiers). */
  GET_TASK_PER_SECOND: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1_000))),
  /**
   * `execution_expires_after` sent with every task (3600–259200, default upstream's 172800): how long
   * upstream may hold it queued and running in all. The video deadline never ends a task upstream still
   * holds queued within it; at least the deadline.
   */
  VIDEO_EXECUTION_EXPIRES_AFTER_SECONDS: int(172_800, 3_600, 259_200),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  projectName: string;
  volcEndpoint: string;
  volcRegion: string;
  seedanceApiBase: string;
  seedanceModel: string;
  /** Parsed SEEDANCE_MODELS; undefined = the standard list (see `modelCatalog`). */
  seedanceModels: ModelChoice[] | undefined;
  publicApiUrl: string | undefined;
  realPersonSessionSeconds: number;
  credentialsSecretId: string | undefined;
  secretCacheTtlSeconds: number;
  bucketName: string | undefined;
  tableName: string | undefined;
  recordTtlDays: number;
  s3ForcePathStyle: boolean;
  ingestStateMachineArn: string | undefined;
  videoStateMachineArn: string | undefined;
  upstreamTimeoutMs: number;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  assetSourceUrlTtlSeconds: number;
  maxImageBytes: number;
  /** Video and audio limits: the MEDIA_LIMITS set with any single overrides applied. */
  mediaRules: MediaRules;
  cleanupMaxAgeDays: number;
  cleanupDryRun: boolean;
  managedGroupTag: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  timeScale: number;
  videoFirstPollSeconds: number;
  videoPollFactor: number;
  videoMaxPollSeconds: number;
  videoDeadlineSeconds: number;
  callbackBaseUrl: string | undefined;
  callbackSecretId: string | undefined;
  videoCallbackFallbackSeconds: number;
  eventBusName: string | undefined;
  webhookKeySecretId: string | undefined;
  webhookStateMachineArn: string | undefined;
  webhookAllowLoopback: boolean;
  eventRetentionDays: number;
  assetTier: AssetTier;
  /** CreateAsset calls per 60 s the governor allows (the tier's, unless overridden). */
  createAssetPerMinute: number;
  queueMaxWaitSeconds: number;
  /** The price table the cost estimates use. */
  prices: PriceTable;
  usageMaxRangeDays: number;
  taskTier: TaskTier;
  /** Task creates per 60 s, running tasks per model, Get task per second the governor allows. */
  taskCreatePerMinute: number;
  taskSlotsPerModel: number;
  getTaskPerSecond: number;
  videoExecutionExpiresAfterSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  let prices: PriceTable;
  try {
    prices =
      c.PRICE_TABLE === undefined
        ? defaultPriceTable(c.PRICE_CURRENCY)
        : { currency: c.PRICE_CURRENCY, prices: parsePriceTable(c.PRICE_TABLE) };
  } catch (e) {
    throw new ConfigError(`Invalid configuration: PRICE_TABLE: ${(e as Error).message}`);
  }
  let models: ModelChoice[] | undefined;
  try {
    models = c.SEEDANCE_MODELS === undefined ? undefined : parseModelList(c.SEEDANCE_MODELS);
    catalogOf(c.SEEDANCE_MODEL, models);
  } catch (e) {
    throw new ConfigError(`Invalid configuration: SEEDANCE_MODELS: ${(e as Error).message}`);
  }
  return {
    projectName: c.ARK_PROJECT_NAME,
    volcEndpoint: c.VOLC_ENDPOINT.replace(/\/+$/, ''),
    volcRegion: c.VOLC_REGION,
    seedanceApiBase: c.SEEDANCE_API_BASE.replace(/\/+$/, ''),
    seedanceModel: c.SEEDANCE_MODEL,
    seedanceModels: models,
    publicApiUrl: c.PUBLIC_API_URL?.replace(/\/+$/, ''),
    realPersonSessionSeconds: c.REAL_PERSON_SESSION_SECONDS,
    credentialsSecretId: c.CREDENTIALS_SECRET_ID,
    secretCacheTtlSeconds: c.SECRET_CACHE_TTL_SECONDS,
    bucketName: c.BUCKET_NAME,
    tableName: c.TABLE_NAME,
    recordTtlDays: c.RECORD_TTL_DAYS,
    s3ForcePathStyle: c.S3_FORCE_PATH_STYLE,
    ingestStateMachineArn: c.INGEST_STATE_MACHINE_ARN,
    videoStateMachineArn: c.VIDEO_STATE_MACHINE_ARN,
    upstreamTimeoutMs: c.UPSTREAM_TIMEOUT_MS,
    uploadUrlTtlSeconds: c.UPLOAD_URL_TTL_SECONDS,
    downloadUrlTtlSeconds: c.DOWNLOAD_URL_TTL_SECONDS,
    assetSourceUrlTtlSeconds: c.ASSET_SOURCE_URL_TTL_SECONDS,
    maxImageBytes: c.MAX_IMAGE_BYTES,
    mediaRules: mediaRulesOf(c),
    cleanupMaxAgeDays: c.CLEANUP_MAX_AGE_DAYS,
    cleanupDryRun: c.CLEANUP_DRY_RUN,
    managedGroupTag: c.MANAGED_GROUP_TAG,
    logLevel: c.LOG_LEVEL,
    timeScale: c.TIME_SCALE,
    videoFirstPollSeconds: c.VIDEO_FIRST_POLL_SECONDS,
    videoPollFactor: c.VIDEO_POLL_FACTOR,
    videoMaxPollSeconds: c.VIDEO_MAX_POLL_SECONDS,
    videoDeadlineSeconds: c.VIDEO_DEADLINE_SECONDS,
    callbackBaseUrl: c.CALLBACK_BASE_URL?.replace(/\/+$/, ''),
    callbackSecretId: c.CALLBACK_SECRET_ID,
    videoCallbackFallbackSeconds: c.VIDEO_CALLBACK_FALLBACK_SECONDS,
    eventBusName: c.EVENT_BUS_NAME,
    webhookKeySecretId: c.WEBHOOK_KEY_SECRET_ID,
    webhookStateMachineArn: c.WEBHOOK_STATE_MACHINE_ARN,
    webhookAllowLoopback: c.WEBHOOK_ALLOW_LOOPBACK,
    eventRetentionDays: c.EVENT_RETENTION_DAYS,
    assetTier: c.UPSTREAM_ASSET_TIER,
    createAssetPerMinute: c.CREATE_ASSET_PER_MINUTE ?? CREATE_ASSET_PER_MINUTE[c.UPSTREAM_ASSET_TIER],
    queueMaxWaitSeconds: c.QUEUE_MAX_WAIT_SECONDS,
    prices,
    usageMaxRangeDays: c.USAGE_MAX_RANGE_DAYS,
    taskTier: c.UPSTREAM_TASK_TIER,
    taskCreatePerMinute: c.TASK_CREATE_PER_MINUTE ?? TASK_LIMITS[c.UPSTREAM_TASK_TIER].createPerMinute,
    taskSlotsPerModel: c.TASK_SLOTS_PER_MODEL ?? TASK_LIMITS[c.UPSTREAM_TASK_TIER].slotsPerModel,
    getTaskPerSecond: c.GET_TASK_PER_SECOND ?? TASK_LIMITS[c.UPSTREAM_TASK_TIER].getPerSecond,
    videoExecutionExpiresAfterSeconds: Math.max(
      c.VIDEO_EXECUTION_EXPIRES_AFTER_SECONDS,
      c.VIDEO_DEADLINE_SECONDS,
    ),
  };
}

function catalogOf(defaultModel: string, models: ModelChoice[] | undefined): ModelCatalog {
  return models === undefined ? ModelCatalog.standard(defaultModel) : new ModelCatalog(defaultModel, models);
}

/** The models callers may pick and the rules each follows; the default model first. */
export function modelCatalog(config: Pick<Config, 'seedanceModel' | 'seedanceModels'>): ModelCatalog {
  return catalogOf(config.seedanceModel, config.seedanceModels);
}

/** The price table with this deployment's model IDs (SEEDANCE_MODELS aliases) mapped onto its rows. */
export function pricingOf(config: Pick<Config, 'prices' | 'seedanceModel' | 'seedanceModels'>): Pricing {
  const catalog = modelCatalog(config);
  return { prices: config.prices, rowOf: (model) => catalog.rowOf(model) };
}

function mediaRulesOf(c: RawConfig): MediaRules {
  const set = MEDIA_LIMIT_SETS[c.MEDIA_LIMITS as MediaLimitSet];
  return {
    video: {
      ...set.video,
      maxBytes: c.MAX_VIDEO_BYTES ?? set.video.maxBytes,
      minSeconds: c.VIDEO_MIN_SECONDS ?? set.video.minSeconds,
      maxSeconds: c.VIDEO_MAX_SECONDS ?? set.video.maxSeconds,
      minFps: c.VIDEO_MIN_FPS ?? set.video.minFps,
      maxFps: c.VIDEO_MAX_FPS ?? set.video.maxFps,
      minPixels: c.VIDEO_MIN_PIXELS ?? set.video.minPixels,
      maxPixels: c.VIDEO_MAX_PIXELS ?? set.video.maxPixels,
      audioTrack: c.VIDEO_AUDIO_TRACK === '' ? set.video.audioTrack : c.VIDEO_AUDIO_TRACK,
    },
    audio: {
      maxBytes: c.MAX_AUDIO_BYTES ?? set.audio.maxBytes,
      minSeconds: c.AUDIO_MIN_SECONDS ?? set.audio.minSeconds,
      maxSeconds: c.AUDIO_MAX_SECONDS ?? set.audio.maxSeconds,
    },
  };
}

/** Throws a ConfigError naming the setting when a value a handler needs is missing. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`Missing required setting ${name}`);
  return value;
}

/** The secret's shape: one Secrets Manager secret holds both services' credentials. */
export interface UpstreamCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS session token, when the AK/SK are temporary. */
  sessionToken?: string;
  apiToken: string;
}

const secretField = z.string().check(z.minLength(1));
const credentialsSchema = z.object({
  accessKeyId: secretField,
  secretAccessKey: secretField,
  sessionToken: z.optional(secretField),
  apiToken: secretField,
});

/** Parses the secret string; the error names missing fields, never their values. */
export function parseCredentials(secretString: string): UpstreamCredentials {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new ConfigError('The credentials secret is not valid JSON');
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new ConfigError(`The credentials secret lacks or has invalid fields: ${fields}`);
  }
  return parsed.data;
}
