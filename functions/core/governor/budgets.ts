/**
 * The upstream budgets the governor keeps every call inside, by the tier names of UPSTREAM.md:
 * - the asset library's CreateAsset quota per 60 s (basic 3 / advanced 120 / premium 300);
 * - the task API's create RPM (personal 180 / enterprise 600), its running slots per model (personal 3 /
 *   enterprise 10; 4k one at a time) and Get task 20 per second (both kinds of account).
 * The defaults are the smallest tiers (basic, personal); settings override single counts (a share of an
 * account others use too).
 */
export const ASSET_TIERS = ['basic', 'advanced', 'premium'] as const;
export type AssetTier = (typeof ASSET_TIERS)[number];

export const CREATE_ASSET_PER_MINUTE: Readonly<Record<AssetTier, number>> = {
  basic: 3,
  advanced: 120,
  premium: 300,
};

export const TASK_TIERS = ['personal', 'enterprise'] as const;
export type TaskTier = (typeof TASK_TIERS)[number];

export const TASK_LIMITS: Readonly<
  Record<TaskTier, { createPerMinute: number; slotsPerModel: number; getPerSecond: number }>
> = {
  personal: { createPerMinute: 180, slotsPerModel: 3, getPerSecond: 20 },
  enterprise: { createPerMinute: 600, slotsPerModel: 10, getPerSecond: 20 },
};

/** "4k: 1 at a time" (UPSTREAM.md §2): its own pool per model. */
export const SLOTS_4K = 1;

/**
 * The most a job may wait for budget in all (QUEUE_MAX_WAIT_SECONDS ≤ this). The ingest state
 * machine's TimeoutSeconds backstop is this + the 15 min work deadline + an hour of slack, so a job
 * queued within its cap is never timed out (test/unit/upload-asl.test.ts holds the ASL to it).
 */
export const MAX_QUEUE_WAIT_SECONDS = 86_400;

export interface BudgetSpec {
  /** Item name in the state table (`budget#<name>`). */
  name: string;
  /**
   * `window` (default): at most `limit` grants in any sliding window (a rate). `slots`: at most `limit`
   * leases held at once (a concurrency), each released by its holder or expiring after `leaseMs`.
   */
  kind?: 'window' | 'slots';
  /** Calls per window at full speed, or slots. */
  limit: number;
  /** The window upstream counts in (60 s or 1 s, scaled by the local clock); for slots, the time unit. */
  windowMs: number;
  /**
   * Added to the window before a slot counts as free again: our grant is taken a little before the call
   * reaches upstream, whose sliding window starts at its own arrival time.
   */
  marginMs: number;
  /**
   * How long a free slot is held for the job whose turn it is before a later ticket may take it, so a
   * ticket whose step crashed (and never comes back) cannot stall the queue: the bound on the skew.
   */
  holdoffMs: number;
  /**
   * false: no ticket queue, the first to ask while there is room gets it (the polling GETs: a poll that
   * finds no room just looks a moment later, and an atomic counter per GET would cost a write each).
   */
  ordered?: boolean;
  /**
   * Ordered rate budgets: the least time between two calls, for an action that is also limited per
   * second (CreateAsset: 10 QPS besides its per-minute quota, which at premium would pace 20 a second).
   */
  minGapMs?: number;
  /** Slots: a lease not renewed for this long is taken back (its holder crashed or forgot it). */
  leaseMs?: number;
  /** Slots: the hold time assumed until releases have taught the budget the real one. */
  typicalHoldMs?: number;
}

/**
 * A rate budget: `limit` calls in any `windowMs`. The margin is 2 % of the window plus a network hop
 * (150 ms; at most a tenth of the window for the short per-second budgets, which would lose half
 * their calls to it otherwise).
 */
export function windowBudget(name: string, limit: number, windowMs: number, ordered = true): BudgetSpec {
  const hopMs = ordered ? 150 : Math.min(150, windowMs * 0.1);
  return {
    name,
    limit,
    windowMs,
    marginMs: Math.round(windowMs * 0.02 + hopMs),
    holdoffMs: Math.round(windowMs * 0.05),
    ...(ordered ? {} : { ordered: false }),
  };
}

/** UPSTREAM.md: every asset action but GetAsset and DeleteAssetGroup is limited to 10 QPS. */
const CREATE_ASSET_QPS = 10;

export function createAssetBudget(perMinute: number, timeScale: number): BudgetSpec {
  // 5 % over the per-second interval: the calls' own network jitter must not make two land too close.
  const minGapMs = ((1_000 * timeScale) / CREATE_ASSET_QPS) * 1.05;
  return { ...windowBudget('createAsset', perMinute, 60_000 * timeScale), minGapMs };
}

export function createTaskBudget(perMinute: number, timeScale: number): BudgetSpec {
  return windowBudget('createTask', perMinute, 60_000 * timeScale);
}

/** Get task, per second: every look at a task (polls, the callback's re-fetch, save, cancel). */
export function getTaskBudget(perSecond: number, timeScale: number): BudgetSpec {
  return windowBudget('getTask', perSecond, 1_000 * timeScale, false);
}

/**
 * Running slots of one model (the 4k pool apart). `leaseMs` must outlast the longest gap between two
 * looks at a task (each look renews the lease); `typicalHoldMs` seeds the estimates.
 */
export function taskSlotsBudget(
  pool: string,
  slots: number,
  opts: { leaseMs: number; typicalHoldMs: number; timeScale: number },
): BudgetSpec {
  const unit = 60_000 * opts.timeScale;
  return {
    name: `slots#${pool}`,
    kind: 'slots',
    limit: slots,
    windowMs: unit,
    marginMs: 0,
    holdoffMs: Math.round(unit * 0.05),
    leaseMs: opts.leaseMs,
    typicalHoldMs: opts.typicalHoldMs,
  };
}

/** The slot pool a task runs in: its model, with 4k apart (one at a time). */
export function slotPoolOf(model: string, resolution?: string): string {
  return resolution === '4k' ? `${model}#4k` : model;
}
