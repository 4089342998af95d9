import type { ResolvedSimOptions, SimCredentials, SimOptions } from './types';

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

export const DEFAULT_MODELS = ['doubao-seedance-2-0-260128', 'doubao-seedance-2-0-fast-260128'];

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
    taskRpm: 0,
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
  };
  const delay = opts.assetDelayMs ?? b.assetDelayMs;
  if (delay[0] > delay[1]) throw new RangeError('assetDelayMs must be [min, max] with min ≤ max');
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
    taskRpm: opts.taskRpm ?? b.taskRpm,
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
  };
}

function mergeLimits(
  base: Record<string, number>,
  patch: Partial<Record<string, number>> | undefined,
): Record<string, number> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
