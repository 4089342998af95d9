/**
 * `npm start`: the whole system on loopback with the same handlers and ASL files as in AWS.
 *   API (SigV4-checked, from lib/routes.ts) → handlers in process
 *   S3 (s3rver) → object-created events → the upload trigger handler
 *   Step Functions endpoint (aws-local-stepfunctions) → step handlers in process; each execution's end
 *     → the execution-ended handler (as the stack's EventBridge rule)
 *   DynamoDB (dynalite, in memory) → the state table
 *   Secrets Manager endpoint → the upstream credentials
 *   upstream simulator, unless real credentials are configured
 *   cleanup on a timer
 * Handlers reach the local services through the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, set in
 * this process before any handler module is imported, so no handler knows it runs locally.
 *
 * Settings (env or .env): PORT (3000), LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY (the API's dev
 * credentials), LOCAL_TIME_SCALE (0 < s ≤ 1: simulator delays, state machine waits and retry intervals),
 * LOCAL_UPSTREAM (auto | sim | real), VOLC_ACCESS_KEY_ID / VOLC_SECRET_ACCESS_KEY / VOLC_SESSION_TOKEN /
 * SEEDANCE_API_TOKEN (real upstream; with VOLC_ENDPOINT / SEEDANCE_API_BASE when not the defaults),
 * LOCAL_CLEANUP_INTERVAL_SECONDS (3600; 0 = off), SIM_TIER (basic | advanced | premium: the simulator's
 * CreateAsset quota, and the stack's budget unless UPSTREAM_ASSET_TIER / CREATE_ASSET_PER_MINUTE say
 * otherwise — set them apart to play an account shared with other clients), SIM_TASK_ACCOUNT (personal |
 * enterprise: the simulator's task slots and create RPM, and the stack's task budgets unless
 * UPSTREAM_TASK_TIER / TASK_CREATE_PER_MINUTE / TASK_SLOTS_PER_MODEL / GET_TASK_PER_SECOND say otherwise).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { loadConfig } from '../functions/core/config';
import { EVENT_SOURCE } from '../functions/core/events/catalogue';
import { clearCredentialsCache } from '../functions/shared/credentials';
import { PREFIX } from '../functions/core/storage-layout';
import { resetAwsClients } from '../functions/shared/lazy-client';
import { resetIngestRuntime } from '../functions/shared/ingest-step';
import { resetStepRuntime } from '../functions/shared/video-step';
import { routes } from '../lib/routes';
import { workflows } from '../lib/workflows';
import { createSigner } from '../cli/signing';
import { devCredentialsFromEnv } from '../cli/dev-credentials';
import { startLocalApi } from './api/server';
import type { DevCredentials } from './api/sigv4';
import { startLocalDynamo } from './dynamodb/server';
import { CONSOLE_PATH, createConsoleHandler } from '../console/server/server';
import { startLocalS3 } from './s3/server';
import { s3Trigger } from './s3/trigger';
import { startSecretsEndpoint } from './secrets/server';
import type { RunningServer } from './sfn/aws-json';
import { executionEndEvents } from './sfn/end-events';
import { stateMachineArn } from './sfn/executions';
import {
  REPO_ROOT,
  createLocalStateMachine,
  importHandler,
  lambdaContext,
  type LocalStateMachine,
} from './sfn/runner';
import { startLocalEventBus, type LocalEventBus } from './events/server';
import { startSfnEndpoint, type SfnEndpoint } from './sfn/server';
import {
  SIM_DEFAULT_CREDENTIALS,
  SIM_TIERS,
  startSimulator,
  type SimOptions,
  type SimTier,
  type Simulator,
} from './upstream-sim';

export const LOCAL_BUCKET = 'seedance-local';
export const LOCAL_TABLE = 'seedance-local-records';
export const LOCAL_SECRET_ID = 'seedance/upstream-credentials';
export const LOCAL_CALLBACK_SECRET_ID = 'seedance/callback-key';
export const LOCAL_WEBHOOK_KEY_SECRET_ID = 'seedance/webhook-key';
const WEBHOOK_FANOUT = 'functions/triggers/webhook-events.ts';
const PUBLISH_EVENTS = 'functions/scheduled/publish-events.ts';
/** The outbox sweep's period, as the stack's schedule (scaled). */
const OUTBOX_SWEEP_SECONDS = 60;
/** The local stand-in of the stack's custom event bus. */
export const LOCAL_EVENT_BUS = 'seedance-local-events';
/** The in-process handlers' own AWS credentials (their "role"), accepted by the local S3. */
const HANDLER_CREDENTIALS = {
  accessKeyId: 'AKIALOCALHANDLERROLE',
  secretAccessKey: 'local-handler-role-secret',
};
const UPLOAD_TRIGGER = 'functions/triggers/upload-created.ts';
const CLEANUP = 'functions/scheduled/cleanup.ts';
const UPLOAD_PREFIX = PREFIX.incoming;
const SHUTDOWN_LIMIT_MS = 15_000;

export interface LocalStackOptions {
  /** API port (default PORT or 3000; 0 = any free port). */
  port?: number;
  host?: string;
  /** 0 < timeScale ≤ 1 (default LOCAL_TIME_SCALE or 1). */
  timeScale?: number;
  credentials?: DevCredentials;
  /** `auto`: the real services when their credentials are set, the simulator otherwise. */
  upstream?: 'auto' | 'sim' | 'real';
  /** Extra simulator options (port, seed, delays, faults...). */
  simulator?: SimOptions;
  /**
   * The governor's budget; default the simulator's tier (the same account). A different one plays an
   * account other clients share: e.g. a stack budget of 6 per minute against a basic (3) simulator.
   */
  budget?: {
    assetTier?: SimTier;
    createAssetPerMinute?: number;
    taskTier?: 'personal' | 'enterprise';
    taskSlotsPerModel?: number;
  };
  /**
   * `process`: the table's dynalite in a child process, off this process's event loop, as DynamoDB
   * runs on machines of its own (the 300-upload bench: its jobs learnt their budget indexes in
   * 3.3–8.4 s inline, ~0.15 s so). `inline` (default): one process, cheaper to start.
   */
  table?: 'inline' | 'process';
  /** Where settings are read from (default process.env). */
  env?: Record<string, string | undefined>;
  cleanupIntervalSeconds?: number;
  /** Receives one line per API request and any background failure (default: silent). */
  log?: (line: string) => void;
  /**
   * Pass `callback_url` to CreateTask (default: LOCAL_CALLBACKS, on unless `0`). Off, the stack polls
   * on the plain schedule as before callbacks; on, polls are only the fallback.
   */
  callbacks?: boolean;
}

export interface LocalStack {
  apiUrl: string;
  /** The browser console, served by the API server; it signs its calls with the dev credentials. */
  consoleUrl: string;
  credentials: DevCredentials;
  /** True when the credentials came from LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY (the banner masks them). */
  credentialsFromEnv: boolean;
  s3Url: string;
  /** The local S3's temporary data folder (every uploaded file), removed on close. */
  s3DataDirectory?: string;
  sfnUrl: string;
  dynamodbUrl: string;
  table: string;
  secretsUrl: string;
  bucket: string;
  upstream: { mode: 'sim' | 'real'; volcEndpoint: string; seedanceApiBase: string };
  /** Present in simulator mode: its control API for tests and fault drills. */
  simulator?: Simulator;
  sfn: SfnEndpoint;
  /** The local EventBridge bus every record write publishes on; add rules for local targets. */
  events: LocalEventBus;
  close(): Promise<void>;
}

function positiveScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new Error(`LOCAL_TIME_SCALE must be a number in (0, 1], got ${raw}`);
  return v;
}

function portOf(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`PORT must be a port number, got ${raw}`);
  return v;
}

/** Reads .env into process.env without overriding what the shell already set (as `node --env-file`). */
export function loadDotEnv(file = resolve(REPO_ROOT, '.env')): void {
  if (!existsSync(file)) return;
  for (const [k, v] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) process.env[k] ??= v;
}

/** Sets variables for the in-process handlers; the returned function puts the previous values back. */
function applyEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  return () => set(previous);
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const timeScale = opts.timeScale ?? positiveScale(env.LOCAL_TIME_SCALE);
  const credentials = opts.credentials ?? devCredentialsFromEnv(env);
  const port = opts.port ?? portOf(env.PORT, 3000);
  const cleanupSeconds = opts.cleanupIntervalSeconds ?? Number(env.LOCAL_CLEANUP_INTERVAL_SECONDS ?? 3600);
  // A new account is basic (3 CreateAsset per minute); checked before anything starts.
  const simTier = (env.SIM_TIER?.trim() || 'basic') as NonNullable<SimOptions['tier']>;
  const simTaskAccount = (env.SIM_TASK_ACCOUNT?.trim() || 'personal') as NonNullable<
    SimOptions['taskAccount']
  >;
  if (!SIM_TIERS.includes(simTier))
    throw new Error(`SIM_TIER must be one of ${SIM_TIERS.join(', ')}, got ${simTier}`);

  const realCreds = {
    accessKeyId: env.VOLC_ACCESS_KEY_ID?.trim(),
    secretAccessKey: env.VOLC_SECRET_ACCESS_KEY?.trim(),
    sessionToken: env.VOLC_SESSION_TOKEN?.trim() || undefined,
    apiToken: env.SEEDANCE_API_TOKEN?.trim(),
  };
  const haveReal = Boolean(realCreds.accessKeyId && realCreds.secretAccessKey && realCreds.apiToken);
  const wanted = opts.upstream ?? ((env.LOCAL_UPSTREAM as LocalStackOptions['upstream']) || 'auto');
  if (wanted === 'real' && !haveReal)
    throw new Error(
      'LOCAL_UPSTREAM=real needs VOLC_ACCESS_KEY_ID, VOLC_SECRET_ACCESS_KEY and SEEDANCE_API_TOKEN',
    );
  const mode: 'sim' | 'real' = wanted === 'sim' || (wanted === 'auto' && !haveReal) ? 'sim' : 'real';

  const started: { close(): Promise<void> }[] = [];
  let restoreEnv = () => undefined as void;
  let cleanupTimer: NodeJS.Timeout | undefined;
  const closeAll = async () => {
    clearInterval(cleanupTimer);
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    restoreEnv();
  };

  try {
    const uploadTrigger = s3Trigger({
      handlerModule: UPLOAD_TRIGGER,
      prefix: UPLOAD_PREFIX,
      retryDelaysMs: [Math.max(10, 60_000 * timeScale), Math.max(10, 120_000 * timeScale)],
      onError: (e, attempt) =>
        log(
          `upload trigger failed (attempt ${attempt}/3): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        ),
    });
    const [simulator, s3, dynamo] = await Promise.all([
      mode === 'sim'
        ? startSimulator({
            quiet: true,
            tier: simTier,
            taskAccount: simTaskAccount,
            ...opts.simulator,
            timeScale,
          })
        : Promise.resolve(undefined),
      startLocalS3({
        buckets: [LOCAL_BUCKET],
        credentials: [HANDLER_CREDENTIALS],
        host,
        onEvent: (e) => void uploadTrigger(e),
      }),
      startLocalDynamo({ table: LOCAL_TABLE, host, credentials: HANDLER_CREDENTIALS, mode: opts.table }),
    ]);
    if (simulator) started.push(simulator);
    started.push(s3, dynamo);

    const upstreamSecret = () =>
      JSON.stringify(
        mode === 'sim'
          ? {
              accessKeyId: opts.simulator?.credentials?.accessKeyId ?? SIM_DEFAULT_CREDENTIALS.accessKeyId,
              secretAccessKey:
                opts.simulator?.credentials?.secretAccessKey ?? SIM_DEFAULT_CREDENTIALS.secretAccessKey,
              apiToken: opts.simulator?.credentials?.apiToken ?? SIM_DEFAULT_CREDENTIALS.apiToken,
            }
          : realCreds,
      );
    // A fresh key per start: callback URLs of an earlier run's tasks no longer verify, as after a rotation.
    const callbackKey = JSON.stringify({ key: randomBytes(32).toString('base64url') });
    // Endpoints live in the in-memory table, so a per-start sealing key loses nothing.
    const webhookKey = JSON.stringify({ key: randomBytes(32).toString('base64url') });
    const secrets: RunningServer = await startSecretsEndpoint({
      secrets: {
        [LOCAL_SECRET_ID]: upstreamSecret,
        [LOCAL_CALLBACK_SECRET_ID]: () => callbackKey,
        [LOCAL_WEBHOOK_KEY_SECRET_ID]: () => webhookKey,
      },
      host,
    });
    started.push(secrets);
    const events = await startLocalEventBus({
      busName: LOCAL_EVENT_BUS,
      host,
      onTargetError: (rule, e) =>
        log(`event target ${rule} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`),
      // The stack's webhook rule: every event of ours → one delivery execution per endpoint.
      rules: [
        {
          name: 'webhook-fanout',
          pattern: { source: [EVENT_SOURCE] },
          target: async (e) => {
            const fn = await importHandler(WEBHOOK_FANOUT);
            await fn(
              { ...e, version: '0', account: '000000000000', region: 'us-east-1', resources: [] },
              lambdaContext('webhook-events', 30),
            );
          },
        },
      ],
    });
    started.push(events);

    const volcEndpoint = simulator ? simulator.url : env.VOLC_ENDPOINT;
    const seedanceApiBase = simulator ? `${simulator.url}/seedance` : env.SEEDANCE_API_BASE;
    // Steps and handlers read these when they run, so the SFN endpoint's URL can follow below.
    restoreEnv = applyEnv({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: HANDLER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: HANDLER_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      EVENT_BUS_NAME: LOCAL_EVENT_BUS,
      TABLE_NAME: LOCAL_TABLE,
      S3_FORCE_PATH_STYLE: 'true',
      BUCKET_NAME: LOCAL_BUCKET,
      CREDENTIALS_SECRET_ID: LOCAL_SECRET_ID,
      CALLBACK_SECRET_ID: LOCAL_CALLBACK_SECRET_ID,
      WEBHOOK_KEY_SECRET_ID: LOCAL_WEBHOOK_KEY_SECRET_ID,
      WEBHOOK_STATE_MACHINE_ARN: stateMachineArn('webhook'),
      // Local receivers (`seedance webhooks listen`, tests) are on loopback over plain HTTP.
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      INGEST_STATE_MACHINE_ARN: stateMachineArn('ingest'),
      VIDEO_STATE_MACHINE_ARN: stateMachineArn('video'),
      TIME_SCALE: String(timeScale),
      UPSTREAM_ASSET_TIER:
        opts.budget?.assetTier ?? (env.UPSTREAM_ASSET_TIER?.trim() || opts.simulator?.tier || simTier),
      CREATE_ASSET_PER_MINUTE:
        opts.budget?.createAssetPerMinute !== undefined
          ? String(opts.budget.createAssetPerMinute)
          : env.CREATE_ASSET_PER_MINUTE?.trim() || undefined,
      // The task budgets follow the simulator's account kind (the same account) unless set apart.
      UPSTREAM_TASK_TIER:
        opts.budget?.taskTier ??
        (env.UPSTREAM_TASK_TIER?.trim() || opts.simulator?.taskAccount || simTaskAccount),
      TASK_CREATE_PER_MINUTE: env.TASK_CREATE_PER_MINUTE?.trim() || undefined,
      TASK_SLOTS_PER_MODEL:
        opts.budget?.taskSlotsPerModel !== undefined
          ? String(opts.budget.taskSlotsPerModel)
          : env.TASK_SLOTS_PER_MODEL?.trim() || undefined,
      GET_TASK_PER_SECOND: env.GET_TASK_PER_SECOND?.trim() || undefined,
      VOLC_ENDPOINT: volcEndpoint,
      SEEDANCE_API_BASE: seedanceApiBase,
      // No CloudWatch reads EMF lines here; POWERTOOLS_METRICS_DISABLED=false prints them.
      POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED?.trim() || 'true',
    });
    const config = loadConfig(); // fails early, naming the setting, if the env is invalid

    const machines: Record<string, LocalStateMachine> = {};
    for (const w of workflows) machines[w.name] = createLocalStateMachine(w.name, { timeScale });
    const onExecutionEnd = executionEndEvents({
      retryDelaysMs: [Math.max(10, 60_000 * timeScale), Math.max(10, 120_000 * timeScale)],
      onError: (e, attempt) =>
        log(
          `execution end not recorded (attempt ${attempt}/3): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        ),
    });
    // As the stack's rule: only the job machines' ends are recorded (a delivery is no job).
    const deliveryMachine = stateMachineArn('webhook');
    const sfn = await startSfnEndpoint({
      machines,
      host,
      onExecutionEnd: async (r) => {
        if (r.stateMachineArn !== deliveryMachine) await onExecutionEnd(r);
      },
    });
    started.push(sfn);
    const restoreBase = restoreEnv;
    const restoreSfn = applyEnv({ AWS_ENDPOINT_URL_SFN: sfn.url });
    // Clients and step runtimes cached by an earlier stack in this process would still point at its
    // endpoints and settings.
    resetAwsClients();
    resetStepRuntime();
    resetIngestRuntime();
    clearCredentialsCache();
    restoreEnv = () => {
      restoreSfn();
      restoreBase();
      resetAwsClients();
    };

    let apiUrl = '';
    const consoleHandler = createConsoleHandler({
      mode: 'local',
      apiUrl: () => apiUrl,
      defaultModel: config.seedanceModel,
      signer: createSigner({ credentials, region: 'us-east-1' }),
    });
    const api = await startLocalApi({
      credentials,
      host,
      port,
      routes,
      extraHandler: consoleHandler,
      log: (e) => log(`${String(e.method)} ${String(e.path)} → ${String(e.status)} (${String(e.ms)} ms)`),
    });
    started.push(api);
    apiUrl = api.url;
    // Upstream callbacks: the simulator runs on loopback and can call the local API; real Ark cannot,
    // unless LOCAL_CALLBACK_BASE_URL names a public tunnel to it. Without one, videos finish by polling.
    const callbacksOn = opts.callbacks ?? !['0', 'false'].includes(env.LOCAL_CALLBACKS?.trim() ?? '');
    const reachable = mode === 'sim' ? api.url : env.LOCAL_CALLBACK_BASE_URL?.trim() || undefined;
    const callbackBase = callbacksOn ? reachable : undefined;
    const restoreApi = restoreEnv;
    const restoreCallback = applyEnv({ CALLBACK_BASE_URL: callbackBase });
    restoreEnv = () => {
      restoreCallback();
      restoreApi();
    };

    if (cleanupSeconds > 0) {
      let running = false; // a slow run is not stacked on by the next tick, as with a Lambda concurrency of 1
      cleanupTimer = setInterval(() => {
        if (running) return;
        running = true;
        importHandler(CLEANUP)
          .then((fn) => fn({}, lambdaContext('cleanup', 300)))
          .then((result) => log(`cleanup: ${JSON.stringify(result)}`))
          .catch((e: unknown) => log(`cleanup failed: ${e instanceof Error ? e.name : String(e)}`))
          .finally(() => (running = false));
      }, cleanupSeconds * 1000);
      cleanupTimer.unref();
    }

    let sweeping = false;
    const sweepTimer = setInterval(
      () => {
        if (sweeping) return;
        sweeping = true;
        importHandler(PUBLISH_EVENTS)
          .then((fn) => fn({}, lambdaContext('publish-events', 60)))
          .catch((e: unknown) => log(`outbox sweep failed: ${e instanceof Error ? e.name : String(e)}`))
          .finally(() => (sweeping = false));
      },
      Math.max(1_000, OUTBOX_SWEEP_SECONDS * timeScale * 1000),
    );
    sweepTimer.unref();
    started.push({ close: async () => clearInterval(sweepTimer) });

    let closing: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      consoleUrl: `${api.url}${CONSOLE_PATH}/`,
      credentials,
      credentialsFromEnv: !opts.credentials && Boolean(env.LOCAL_ACCESS_KEY_ID?.trim()),
      s3Url: s3.url,
      ...(s3.ownDirectory ? { s3DataDirectory: s3.ownDirectory } : {}),
      sfnUrl: sfn.url,
      dynamodbUrl: dynamo.url,
      table: LOCAL_TABLE,
      secretsUrl: secrets.url,
      bucket: LOCAL_BUCKET,
      upstream: { mode, volcEndpoint: config.volcEndpoint, seedanceApiBase: config.seedanceApiBase },
      simulator,
      sfn,
      events,
      close: () => (closing ??= closeAll()),
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** `wJal…EKEY`-style: enough to tell which credential it is, not enough to use it. */
export function mask(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 8, 12))}${value.slice(-4)}`;
}

/**
 * The start banner. Credentials from the environment are the user's own (maybe reused elsewhere) and
 * a terminal or CI log may be shared, so they are masked; the built-in dev pair is printed in full,
 * since the user needs it to sign requests and it opens nothing but this loopback stack.
 */
export function banner(stack: LocalStack, timeScale: string, ms: number): string {
  const { accessKeyId, secretAccessKey } = stack.credentials;
  const shown = stack.credentialsFromEnv
    ? {
        id: mask(accessKeyId),
        secret: `${mask(secretAccessKey)}   (from LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY, masked)`,
      }
    : {
        id: accessKeyId,
        secret: `${secretAccessKey}   (local dev credentials; SigV4 service execute-api, region us-east-1)`,
      };
  const user = stack.credentialsFromEnv
    ? '"$LOCAL_ACCESS_KEY_ID:$LOCAL_SECRET_ACCESS_KEY"'
    : `"${accessKeyId}:${secretAccessKey}"`;
  return [
    `seedance local stack ready in ${ms} ms`,
    `  API               ${stack.apiUrl}`,
    `  console           ${stack.consoleUrl}`,
    `  access key ID     ${shown.id}`,
    `  secret access key ${shown.secret}`,
    `  upstream          ${stack.upstream.mode === 'sim' ? `simulator at ${stack.simulator?.url ?? ''}` : `real: ${stack.upstream.volcEndpoint}, ${stack.upstream.seedanceApiBase}`}`,
    `  S3                ${stack.s3Url} (bucket ${stack.bucket}${stack.s3DataDirectory ? `, data in ${stack.s3DataDirectory}` : ''})`,
    `  Step Functions    ${stack.sfnUrl}`,
    `  DynamoDB          ${stack.dynamodbUrl} (table ${stack.table}, dynalite in memory)`,
    `  time scale        ${timeScale}`,
    '',
    `  try: curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user ${user} ${stack.apiUrl}/groups`,
    '  Ctrl-C stops everything.',
  ].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  loadDotEnv();
  const stack = await startLocalStack({ log: (line) => console.log(line) });
  console.log(banner(stack, process.env.TIME_SCALE ?? '1', Math.round(performance.now() - t0)));
  // Whatever ends the process, the uploaded files do not stay behind in the temp folder.
  process.once('exit', () => {
    if (stack.s3DataDirectory) rmSync(stack.s3DataDirectory, { recursive: true, force: true });
  });
  let stopping = false;
  const stop = (signal: string) => {
    // A second signal (an impatient Ctrl-C, a supervisor's repeated SIGTERM) must not cut the cleanup
    // short; a stuck close ends after SHUTDOWN_LIMIT_MS instead, still through the exit hook above.
    if (stopping) {
      console.log(`${signal}: still stopping (cleaning up)…`);
      return;
    }
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    setTimeout(() => {
      console.log('shutdown is taking too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
