/** Public shapes of the upstream simulator (interface #2 of the shared contract; additions are marked). */

export interface SimCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  apiToken: string;
  /** Addition: when set, Volcengine requests must carry this X-Security-Token (signed); else any signed token passes. */
  sessionToken?: string;
}

export interface SimOptions {
  /** 0 = random free port; main.ts defaults to 4010. */
  port?: number;
  host?: string;
  /** Multiplies every simulated delay (asset processing, task phases, task expiry, record retention). */
  timeScale?: number;
  seed?: number;
  credentials?: Partial<SimCredentials>;
  /** The project the Seedance token belongs to: `asset://` references must live there. */
  tokenProject?: string;
  /** [min, max] ms between CreateAsset and Active/Failed, before timeScale. */
  assetDelayMs?: [number, number];
  taskQueuedMs?: number;
  taskRunningMs?: number;
  /** QPS per Volcengine Action (per 1 s × timeScale); key `*` sets the default for actions not listed. ≤ 0 disables. */
  rateLimits?: Partial<Record<string, number>>;
  /** CreateTask requests per sliding minute (× timeScale); default from taskAccount (180 / 600); ≤ 0 = unlimited. */
  taskRpm?: number;
  /** Size of the served MP4; the fixture is padded with a trailing `free` box. */
  videoBytes?: number;
  /** Lifetime of video/last-frame/asset links in ms (absolute, not scaled). */
  linkTtlMs?: number;
  quiet?: boolean;
  // ---- additions ----
  /** Base URL written into media links (defaults to the listening URL). */
  publicUrl?: string;
  region?: string;
  /** Allowed |X-Date − now| in seconds. */
  maxClockSkewSeconds?: number;
  /** Actions answered with 403 AccessDenied (an IAM user without `ark:*Asset*`). */
  deniedActions?: string[];
  /** false: every asset action answers 403 SubscriptionRequired (no entitlement package). */
  assetEntitlement?: boolean;
  /** Models the task API knows; others get 404 InvalidEndpointOrModel.NotFound. */
  models?: string[];
  /** Timeout of the simulator's own download of a CreateAsset URL. */
  downloadTimeoutMs?: number;
  /** Faults active from the start (same as control.setFaults). */
  faults?: FaultRule[];
  /** Forced failure code for new assets (same as control.forceAssetFailure). */
  assetFailure?: string | null;
  // ---- issue 12: the real account limits ----
  /** Asset-library entitlement tier: CreateAsset 3 / 120 / 300 accepted calls per sliding minute (default basic). */
  tier?: SimTier;
  /** Relative weights of the throttle answers (default 1 : 1 : 1); quota429 applies to CreateAsset only. */
  throttleMix?: Partial<ThrottleMix>;
  /** Task API account kind: personal = 3 running tasks per model and 180 creates/min, enterprise = 10 and 600. */
  taskAccount?: TaskAccount;
  /** Running tasks per model at once (default from taskAccount); the rest stay queued in creation order. */
  taskSlots?: number;
  /** QPS of the task reads (GetTask 20, ListTasks 1, DeleteTask 20); ≤ 0 = unlimited. */
  taskRateLimits?: Partial<Record<TaskReadAction, number>>;
  /** false: no callback is ever POSTed (APIYI may not forward them). Default true. */
  callbacks?: boolean;
  /** Groups of the APIYI token; without `SeeDance2` every task call gets "no available channel". */
  tokenGroups?: string[];
}

export type SimTier = 'basic' | 'advanced' | 'premium';
export type TaskAccount = 'personal' | 'enterprise';
export type TaskReadAction = 'GetTask' | 'ListTasks' | 'DeleteTask';

/** How a throttled call is answered, as integrators saw it live (UPSTREAM.md §1 Errors). */
export interface ThrottleMix {
  /** HTTP 200 with ResponseMetadata.Error AccountFlowLimitExceeded (CodeN 100027) and no Result. */
  http200: number;
  /** HTTP 429 AccountFlowLimitExceeded. */
  http429: number;
  /** HTTP 429 QuotaWriteQPMExceeded (CreateAsset only; elsewhere its weight goes to http429). */
  quota429: number;
}

/** Addition: calls one action's account limits accepted and refused, for benches. */
export interface RateStat {
  /** Calls the account limits let through (they may still fail later, e.g. NotFound). */
  accepted: number;
  /** Calls refused by the simulator's own limits (not injected faults), by answer. */
  throttled: number;
  throttledBy: Record<string, number>;
  /** The most calls accepted in any sliding window of `windowMs` (60 s × timeScale). */
  maxAcceptedInWindow: number;
  windowMs: number;
  /** The most calls accepted in any sliding second (`secondMs` = 1 s × timeScale): the QPS limits. */
  maxAcceptedInSecond: number;
  secondMs: number;
}

export type FaultKind = 'error' | 'latency' | 'reset' | 'malformed';

export interface FaultRule {
  /** Action name (CreateAsset, GetTask, GetVideoFile, ...) or `*`. */
  action: string;
  /** Probability 0..1 that a matching call is hit. */
  rate: number;
  /** Apply to the next N hits only, then the rule is spent. */
  count?: number;
  kind: FaultKind;
  status?: number;
  code?: string;
  /** Extra delay (absolute ms, not scaled) for `latency`. */
  latencyMs?: number;
  /** Addition: error message for `error`. */
  message?: string;
}

export interface ActionCounter {
  calls: number;
  /** 2xx answers that no terminal fault replaced (a malformed 200 is not ok) and no throttle refused (a throttle in an HTTP 200 is not ok). */
  ok: number;
  /** Refused by the simulator's own rate limit (injected 429s count as faulted). */
  throttled: number;
  /** Calls any fault rule hit, latency included. */
  faulted: number;
}

/**
 * Addition: faulted calls of one action per fault kind. A call counts once per kind that hit it, so two
 * latency rules on one call make one `latency`; a call delayed and then answered with an error counts in both.
 */
export interface FaultCounter {
  error: number;
  latency: number;
  reset: number;
  malformed: number;
  /** Injected errors by the HTTP status answered, e.g. `{ "429": 15, "500": 31 }`. */
  errorStatuses: Record<string, number>;
}

export interface TaskOutcome {
  status: 'failed' | 'expired';
  code?: string;
  message?: string;
}

export interface SimControl {
  counters(): Record<string, ActionCounter>;
  /** Addition: per action, how many calls each fault kind hit (only actions with a fault). */
  faultCounts(): Record<string, FaultCounter>;
  /** Resets counters() and faultCounts(). */
  resetCounters(): void;
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  update(p: Partial<SimOptions>): void;
  forceAssetFailure(code: string | null): void;
  forceTaskOutcome(o: TaskOutcome | null): void;
  /** Wire-form snapshots (what GetAsset / GetAssetGroup / GET task would answer), deleted ones excluded. */
  assets(): Record<string, unknown>[];
  groups(): Record<string, unknown>[];
  tasks(): Record<string, unknown>[];
  /** Each live task's creation and scheduled run, in ms (see TaskStore.timeline). */
  taskTimeline(): { id: string; model: string; createdAt: number; startAt?: number; endAt?: number }[];
  /** Addition (issue 16): each live task's create request as received (model, content, extras). */
  taskRequests(): Record<string, unknown>[];
  /**
   * Addition (issue 18): what the account was charged, one line per succeeded task (id, model,
   * resolution, ratio, duration, videoInputSeconds, completion_tokens, total_tokens), oldest first.
   */
  usage(): Record<string, unknown>[];
  /** Addition (issue 16): the real-person liveness sessions (no tokens). */
  visualValidateSessions(): Record<string, unknown>[];
  /** Addition: the effective options. */
  options(): ResolvedSimOptions;
  /** Addition (issue 12): per action, accepted vs throttled calls and the densest minute; reset with the counters. */
  rateStats(): Record<string, RateStat>;
}

export interface Simulator {
  url: string;
  port: number;
  control: SimControl;
  close(): Promise<void>;
}

export interface ResolvedSimOptions {
  port: number;
  host: string;
  timeScale: number;
  seed: number;
  credentials: SimCredentials;
  tokenProject: string;
  assetDelayMs: [number, number];
  taskQueuedMs: number;
  taskRunningMs: number;
  rateLimits: Record<string, number>;
  taskRpm: number;
  videoBytes: number;
  linkTtlMs: number;
  quiet: boolean;
  publicUrl: string | undefined;
  region: string;
  maxClockSkewSeconds: number;
  deniedActions: string[];
  assetEntitlement: boolean;
  models: string[];
  downloadTimeoutMs: number;
  tier: SimTier;
  throttleMix: ThrottleMix;
  taskAccount: TaskAccount;
  taskSlots: number;
  taskRateLimits: Record<TaskReadAction, number>;
  callbacks: boolean;
  tokenGroups: string[];
}
