/**
 * `npm run sim` settings: flags win over environment variables, which win over defaults. Credentials use
 * the same variable names as the clients (VOLC_ACCESS_KEY_ID, VOLC_SECRET_ACCESS_KEY, SEEDANCE_API_TOKEN).
 */
import { Command, InvalidArgumentError } from 'commander';
import { validateFaultRules } from './faults';
import { SIM_TIERS } from './defaults';
import type { SimOptions, SimTier, TaskAccount, ThrottleMix } from './types';

type Env = Record<string, string | undefined>;

const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** `Action=QPS,Action=QPS` → record; also used for SIM_RATE_LIMITS. */
export function parseRateLimits(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',').filter((p) => p.trim() !== '')) {
    const [k, q] = part.split('=');
    const n = Number(q);
    if (!k || q === undefined || !Number.isFinite(n))
      throw new InvalidArgumentError(`bad rate limit "${part}"`);
    out[k.trim()] = n;
  }
  return out;
}

function parseTier(v: string): SimTier {
  if (!(SIM_TIERS as string[]).includes(v))
    throw new InvalidArgumentError(`tier must be one of ${SIM_TIERS.join(', ')}`);
  return v as SimTier;
}

function parseAccount(v: string): TaskAccount {
  if (v !== 'personal' && v !== 'enterprise')
    throw new InvalidArgumentError('task account must be personal or enterprise');
  return v;
}

/** `http200=1,http429=1,quota429=1` → weights. */
export function parseThrottleMix(v: string): Partial<ThrottleMix> {
  const out: Partial<ThrottleMix> = {};
  for (const [k, n] of Object.entries(parseRateLimits(v))) {
    if (k !== 'http200' && k !== 'http429' && k !== 'quota429')
      throw new InvalidArgumentError(`throttle mix: unknown answer "${k}" (http200, http429, quota429)`);
    out[k] = n;
  }
  return out;
}

const parseList = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

function parseRange(v: string): [number, number] {
  const parts = v.split(/[,-]/).map(Number);
  if (parts.length === 1 && Number.isFinite(parts[0])) return [parts[0] as number, parts[0] as number];
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n)))
    throw new InvalidArgumentError('expected MIN,MAX in ms');
  return [parts[0] as number, parts[1] as number];
}

function parseFaults(v: string): SimOptions['faults'] {
  try {
    return validateFaultRules(JSON.parse(v));
  } catch (e) {
    throw new InvalidArgumentError(`faults must be a JSON array of rules: ${(e as Error).message}`);
  }
}

interface Flags {
  port?: number;
  host?: string;
  timeScale?: number;
  seed?: number;
  createAssetQps?: number;
  rateLimit?: Record<string, number>;
  taskRpm?: number;
  assetDelayMs?: [number, number];
  taskQueuedMs?: number;
  taskRunningMs?: number;
  videoBytes?: number;
  linkTtlMs?: number;
  tokenProject?: string;
  publicUrl?: string;
  region?: string;
  faults?: SimOptions['faults'];
  assetFailure?: string;
  quiet?: boolean;
  tier?: SimTier;
  throttleMix?: Partial<ThrottleMix>;
  taskAccount?: TaskAccount;
  taskSlots?: number;
  taskRateLimit?: Record<string, number>;
  callbacks?: boolean;
  tokenGroups?: string[];
}

export function buildCommand(): Command {
  return new Command('sim')
    .description('Local Volcengine asset library + Seedance task API simulator')
    .option('--port <n>', 'port (0 = random)  [SIM_PORT, default 4010]', num('port'))
    .option('--host <h>', 'bind address  [SIM_HOST, default 127.0.0.1]')
    .option(
      '--time-scale <x>',
      'multiplies every simulated delay  [SIM_TIME_SCALE | LOCAL_TIME_SCALE]',
      num('time-scale'),
    )
    .option('--seed <n>', 'random seed  [SIM_SEED]', num('seed'))
    .option(
      '--create-asset-qps <n>',
      'CreateAsset QPS  [SIM_CREATE_ASSET_QPS, default 10]',
      num('create-asset-qps'),
    )
    .option(
      '--rate-limit <list>',
      'Action=QPS,...; * = default; ≤0 = unlimited  [SIM_RATE_LIMITS]',
      parseRateLimits,
    )
    .option(
      '--tier <tier>',
      'asset entitlement tier: CreateAsset 3 / 120 / 300 per minute  [SIM_TIER, default basic]',
      parseTier,
    )
    .option(
      '--throttle-mix <list>',
      'weights of the throttle answers  [SIM_THROTTLE_MIX, default http200=1,http429=1,quota429=1]',
      parseThrottleMix,
    )
    .option(
      '--task-account <kind>',
      'personal (3 running per model, 180 creates/min) or enterprise (10, 600)  [SIM_TASK_ACCOUNT]',
      parseAccount,
    )
    .option('--task-slots <n>', 'running tasks per model  [SIM_TASK_SLOTS]', num('task-slots'))
    .option(
      '--task-rate-limit <list>',
      'GetTask=20,ListTasks=1,DeleteTask=20 QPS; ≤0 = unlimited  [SIM_TASK_RATE_LIMITS]',
      parseRateLimits,
    )
    .option('--no-callbacks', 'never POST callback_url  [SIM_CALLBACKS=0]')
    .option(
      '--token-groups <list>',
      'groups of the APIYI token  [SIM_TOKEN_GROUPS, default SeeDance2]',
      parseList,
    )
    .option(
      '--task-rpm <n>',
      'CreateTask per minute, 0 = unlimited  [SIM_TASK_RPM, default from the task account]',
      num('task-rpm'),
    )
    .option(
      '--asset-delay-ms <min,max>',
      'processing delay  [SIM_ASSET_DELAY_MS, default 5000,13000]',
      parseRange,
    )
    .option('--task-queued-ms <n>', 'time queued  [SIM_TASK_QUEUED_MS, default 20000]', num('task-queued-ms'))
    .option(
      '--task-running-ms <n>',
      'time running  [SIM_TASK_RUNNING_MS, default 60000]',
      num('task-running-ms'),
    )
    .option('--video-bytes <n>', 'served MP4 size  [SIM_VIDEO_BYTES]', num('video-bytes'))
    .option(
      '--link-ttl-ms <n>',
      'media link lifetime  [SIM_LINK_TTL_MS, default 86400000]',
      num('link-ttl-ms'),
    )
    .option('--token-project <name>', 'project of the Seedance token  [SIM_TOKEN_PROJECT, default default]')
    .option('--public-url <url>', 'base URL written into media links  [SIM_PUBLIC_URL]')
    .option('--region <r>', 'signing region  [SIM_REGION, default cn-beijing]')
    .option('--faults <json>', 'fault rules, JSON array  [SIM_FAULTS]', parseFaults)
    .option('--asset-failure <code>', 'force every new asset to fail with this code  [SIM_ASSET_FAILURE]')
    .option('--quiet', 'no request log  [SIM_QUIET=1]')
    .exitOverride();
}

const envNum = (env: Env, name: string) =>
  env[name] !== undefined && env[name] !== '' ? num(name)(env[name]) : undefined;

/** Merges flags over environment; undefined fields keep the simulator defaults. */
export function parseSimArgs(argv: string[], env: Env = process.env): SimOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: 'user' });
  const f = cmd.opts<Flags>();
  const rateLimits: Record<string, number> = {
    ...(env.SIM_RATE_LIMITS ? parseRateLimits(env.SIM_RATE_LIMITS) : {}),
    ...(f.rateLimit ?? {}),
  };
  const createAssetQps = f.createAssetQps ?? envNum(env, 'SIM_CREATE_ASSET_QPS');
  if (createAssetQps !== undefined) rateLimits.CreateAsset = createAssetQps;
  const opts: SimOptions = {
    port: f.port ?? envNum(env, 'SIM_PORT') ?? 4010,
    host: f.host ?? env.SIM_HOST,
    timeScale: f.timeScale ?? envNum(env, 'SIM_TIME_SCALE') ?? envNum(env, 'LOCAL_TIME_SCALE'),
    seed: f.seed ?? envNum(env, 'SIM_SEED'),
    credentials: {
      accessKeyId: env.VOLC_ACCESS_KEY_ID,
      secretAccessKey: env.VOLC_SECRET_ACCESS_KEY,
      apiToken: env.SEEDANCE_API_TOKEN,
      sessionToken: env.SIM_SESSION_TOKEN,
    },
    rateLimits,
    taskRpm: f.taskRpm ?? envNum(env, 'SIM_TASK_RPM'),
    assetDelayMs: f.assetDelayMs ?? (env.SIM_ASSET_DELAY_MS ? parseRange(env.SIM_ASSET_DELAY_MS) : undefined),
    taskQueuedMs: f.taskQueuedMs ?? envNum(env, 'SIM_TASK_QUEUED_MS'),
    taskRunningMs: f.taskRunningMs ?? envNum(env, 'SIM_TASK_RUNNING_MS'),
    videoBytes: f.videoBytes ?? envNum(env, 'SIM_VIDEO_BYTES'),
    linkTtlMs: f.linkTtlMs ?? envNum(env, 'SIM_LINK_TTL_MS'),
    tokenProject: f.tokenProject ?? env.SIM_TOKEN_PROJECT,
    publicUrl: f.publicUrl ?? env.SIM_PUBLIC_URL,
    region: f.region ?? env.SIM_REGION,
    faults: f.faults ?? (env.SIM_FAULTS ? parseFaults(env.SIM_FAULTS) : undefined),
    assetFailure: f.assetFailure ?? env.SIM_ASSET_FAILURE,
    quiet: f.quiet ?? (env.SIM_QUIET === '1' || env.SIM_QUIET === 'true'),
    tier: f.tier ?? (env.SIM_TIER ? parseTier(env.SIM_TIER) : undefined),
    throttleMix: f.throttleMix ?? (env.SIM_THROTTLE_MIX ? parseThrottleMix(env.SIM_THROTTLE_MIX) : undefined),
    taskAccount: f.taskAccount ?? (env.SIM_TASK_ACCOUNT ? parseAccount(env.SIM_TASK_ACCOUNT) : undefined),
    taskSlots: f.taskSlots ?? envNum(env, 'SIM_TASK_SLOTS'),
    taskRateLimits:
      f.taskRateLimit ?? (env.SIM_TASK_RATE_LIMITS ? parseRateLimits(env.SIM_TASK_RATE_LIMITS) : undefined),
    // commander sets `callbacks: true` unless --no-callbacks; only an explicit off overrides the env.
    callbacks:
      f.callbacks === false
        ? false
        : env.SIM_CALLBACKS === '0' || env.SIM_CALLBACKS === 'false'
          ? false
          : undefined,
    tokenGroups:
      f.tokenGroups ?? (env.SIM_TOKEN_GROUPS !== undefined ? parseList(env.SIM_TOKEN_GROUPS) : undefined),
  };
  // Drop undefined so resolveOptions applies its defaults.
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as SimOptions;
}
