/**
 * The upstream budgets the governor keeps every call inside, by the tier names of UPSTREAM.md: the
 * asset library's CreateAsset quota per 60 s (basic 3 / advanced 120 / premium 300). The default is the
 * basic tier; `CREATE_ASSET_PER_MINUTE` overrides the count (a share of an account used by others too).
 */
export const ASSET_TIERS = ['basic', 'advanced', 'premium'] as const;
export type AssetTier = (typeof ASSET_TIERS)[number];

export const CREATE_ASSET_PER_MINUTE: Readonly<Record<AssetTier, number>> = {
  basic: 3,
  advanced: 120,
  premium: 300,
};

/**
 * The most a job may wait for budget in all (QUEUE_MAX_WAIT_SECONDS ≤ this). The ingest state
 * machine's TimeoutSeconds backstop is this + the 15 min work deadline + an hour of slack, so a job
 * queued within its cap is never timed out (test/unit/upload-asl.test.ts holds the ASL to it).
 */
export const MAX_QUEUE_WAIT_SECONDS = 86_400;

export interface BudgetSpec {
  /** Item name in the state table (`budget#<name>`). */
  name: string;
  /** Calls per window at full speed. */
  limit: number;
  /** The window upstream counts in (60 s, scaled by the local clock). */
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
}

export function createAssetBudget(perMinute: number, timeScale: number): BudgetSpec {
  const windowMs = 60_000 * timeScale;
  return {
    name: 'createAsset',
    limit: perMinute,
    windowMs,
    marginMs: Math.round(windowMs * 0.02 + 150),
    holdoffMs: Math.round(windowMs * 0.05),
  };
}
