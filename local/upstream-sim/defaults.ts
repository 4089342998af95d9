import type {
  ResolvedSimOptions,
  SimCredentials,
  SimOptions,
  SimTier,
  TaskAccount,
  TaskReadAction,
  ThrottleMix,
} from './types';

/**
 * Demo credentials the simulator accepts when none are configured. They are public on purpose (printed at
 * start, written in the README) and grant nothing anywhere else. The SK is valid base64 so that a client
 * that wrongly base64-decodes it can be shown to get SignatureDoesNotMatch.
 */
export const SIM_DEFAULT_CREDENTIALS: Readonly<SimCredentials> = Object.freeze({
  accessKeyId: 'AKLTSIMDEMOACCESSKEY',
  secretAccessKey: 'c2ltLWRlbW8tc2VjcmV0LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=',
  apiToken: 'sk-sim-demo-token',
});

/** UPSTREAM.md §1 rate limits; every action not listed gets `*`. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  GetAsset: 100,
  DeleteAssetGroup: 5,
  CreateAsset: 10,
  '*': 10,
});

/** CreateAsset accepted calls per sliding minute by entitlement tier (UPSTREAM.md §1, entitlement page 82379). */
export const TIER_CREATE_ASSET_PER_MINUTE: Readonly<Record<SimTier, number>> = Object.freeze({
  basic: 3,
  advanced: 120,
  premium: 300,
});
export const SIM_TIERS = Object.keys(TIER_CREATE_ASSET_PER_MINUTE) as SimTier[];

/** Task API account limits (UPSTREAM.md §2, 82379/2607688): running tasks per model and creates per minute. */
export const TASK_ACCOUNT_LIMITS: Readonly<Record<TaskAccount, { slots: number; rpm: number }>> =
  Object.freeze({
    personal: { slots: 3, rpm: 180 },
    enterprise: { slots: 10, rpm: 600 },
  });

export const DEFAULT_TASK_RATE_LIMITS: Readonly<Record<TaskReadAction, number>> = Object.freeze({
  GetTask: 20,
  ListTasks: 1,
  DeleteTask: 20,
});

export const DEFAULT_THROTTLE_MIX: Readonly<ThrottleMix> = Object.freeze({
  http200: 1,
  http429: 1,
  quota429: 1,
});

/** The APIYI token group that routes Seedance 2.x models (UPSTREAM.md §2). */
export const SEEDANCE_TOKEN_GROUP = 'SeeDance2';

export const DEFAULT_MODELS = [
  'doubao-seedance-2-0-260128',
  'doubao-seedance-2-0-fast-260128',
  'doubao-seedance-2-0-mini-260615',
  'doubao-seedance-2-5-260628',
];

export const DAY_MS = 86_400_000;

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be ≥ 0`);
  return v;
}

/** Fills defaults and checks ranges; `base` lets control.update() layer a partial over the current options. */
export function resolveOptions(opts: SimOptions = {}, base?: ResolvedSimOptions): ResolvedSimOptions {
  const b: ResolvedSimOptions = base ?? {
    port: 0,
    host: '127.0.0.1',
    timeScale: 1,
    seed: Math.floor(Math.random() * 2 ** 31),
    credentials: { ...SIM_DEFAULT_CREDENTIALS },
    tokenProject: 'default',
    assetDelayMs: [5_000, 13_000],
    taskQueuedMs: 20_000,
    taskRunningMs: 60_000,
    rateLimits: { ...DEFAULT_RATE_LIMITS },
    videoBytes: 0,
    linkTtlMs: DAY_MS,
    quiet: true,
    publicUrl: undefined,
    region: 'cn-beijing',
    maxClockSkewSeconds: 900,
    deniedActions: [],
    assetEntitlement: true,
    models: [...DEFAULT_MODELS],
    downloadTimeoutMs: 10_000,
    tier: 'basic',
    throttleMix: { ...DEFAULT_THROTTLE_MIX },
    taskAccount: 'personal',
    taskSlots: TASK_ACCOUNT_LIMITS.personal.slots,
    taskRpm: TASK_ACCOUNT_LIMITS.personal.rpm,
    taskRateLimits: { ...DEFAULT_TASK_RATE_LIMITS },
    callbacks: true,
    tokenGroups: [SEEDANCE_TOKEN_GROUP],
  };
  const delay = opts.assetDelayMs ?? b.assetDelayMs;
  if (delay[0] > delay[1]) throw new RangeError('assetDelayMs must be [min, max] with min ≤ max');
  const tier = opts.tier ?? b.tier;
  if (!SIM_TIERS.includes(tier)) throw new RangeError(`tier must be one of ${SIM_TIERS.join(', ')}`);
  const taskAccount = opts.taskAccount ?? b.taskAccount;
  const account = TASK_ACCOUNT_LIMITS[taskAccount];
  if (!account) throw new RangeError('taskAccount must be personal or enterprise');
  // A new account kind brings its own defaults unless the same patch sets them explicitly.
  const accountChanged = opts.taskAccount !== undefined && opts.taskAccount !== b.taskAccount;
  const taskSlots = opts.taskSlots ?? (accountChanged ? account.slots : b.taskSlots);
  if (!Number.isInteger(taskSlots) || taskSlots < 1) throw new RangeError('taskSlots must be an integer ≥ 1');
  const credentials: SimCredentials = { ...b.credentials };
  for (const [k, v] of Object.entries(opts.credentials ?? {})) {
    if (v !== undefined && v !== '') (credentials as unknown as Record<string, string>)[k] = v;
  }
  return {
    port: nonNegative('port', opts.port ?? b.port),
    host: opts.host ?? b.host,
    timeScale: positive('timeScale', opts.timeScale ?? b.timeScale),
    seed: opts.seed ?? b.seed,
    credentials,
    tokenProject: opts.tokenProject ?? b.tokenProject,
    assetDelayMs: [nonNegative('assetDelayMs', delay[0]), nonNegative('assetDelayMs', delay[1])],
    taskQueuedMs: nonNegative('taskQueuedMs', opts.taskQueuedMs ?? b.taskQueuedMs),
    taskRunningMs: nonNegative('taskRunningMs', opts.taskRunningMs ?? b.taskRunningMs),
    rateLimits: mergeLimits(b.rateLimits, opts.rateLimits),
    taskRpm: opts.taskRpm ?? (accountChanged ? account.rpm : b.taskRpm),
    videoBytes: nonNegative('videoBytes', opts.videoBytes ?? b.videoBytes),
    linkTtlMs: positive('linkTtlMs', opts.linkTtlMs ?? b.linkTtlMs),
    quiet: opts.quiet ?? b.quiet,
    publicUrl: opts.publicUrl?.replace(/\/+$/, '') ?? b.publicUrl,
    region: opts.region ?? b.region,
    maxClockSkewSeconds: positive('maxClockSkewSeconds', opts.maxClockSkewSeconds ?? b.maxClockSkewSeconds),
    deniedActions: opts.deniedActions ?? b.deniedActions,
    assetEntitlement: opts.assetEntitlement ?? b.assetEntitlement,
    models: opts.models ?? b.models,
    downloadTimeoutMs: positive('downloadTimeoutMs', opts.downloadTimeoutMs ?? b.downloadTimeoutMs),
    tier,
    throttleMix: resolveMix(b.throttleMix, opts.throttleMix),
    taskAccount,
    taskSlots,
    taskRateLimits: mergeLimits(b.taskRateLimits, opts.taskRateLimits) as Record<TaskReadAction, number>,
    callbacks: opts.callbacks ?? b.callbacks,
    tokenGroups: opts.tokenGroups ?? b.tokenGroups,
  };
}

function resolveMix(base: ThrottleMix, patch: Partial<ThrottleMix> | undefined): ThrottleMix {
  const mix = { ...base };
  for (const k of Object.keys(patch ?? {}) as (keyof ThrottleMix)[]) {
    if (!(k in DEFAULT_THROTTLE_MIX)) throw new RangeError(`throttleMix: unknown answer ${k}`);
    const v = patch?.[k];
    if (v !== undefined) mix[k] = nonNegative(`throttleMix.${k}`, v);
  }
  if (mix.http200 + mix.http429 + mix.quota429 <= 0)
    throw new RangeError('throttleMix needs at least one positive weight');
  return mix;
}

function mergeLimits(
  base: Record<string, number>,
  patch: Partial<Record<string, number>> | undefined,
): Record<string, number> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
