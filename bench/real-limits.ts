/**
 * Real limits: a burst of uploads through the local stack against a simulator with the asset library's
 * published per-minute CreateAsset quota (UPSTREAM.md §1: 3 / 120 / 300 accepted calls in any 60 s by
 * entitlement tier), throttles answered as seen live (AccountFlowLimitExceeded in an HTTP 200 or a 429,
 * QuotaWriteQPMExceeded). 10 uploads at once on `basic`, 150 on `advanced`: how many end active, how
 * many fail, how many CreateAsset calls were throttled, and how long the burst took against the ideal
 * (N ÷ quota). These are the "before" figures of the account-wide governor: today every execution
 * retries on its own, blind to the others.
 *
 * Time scale: everything scales with LOCAL_TIME_SCALE — the simulator's window (60 s × scale), its
 * processing delays and QPS buckets, and the state machines' Wait and Retry intervals — so a scaled run
 * keeps the ratios of the real one while the section takes a few minutes. Times are reported both as
 * measured and in upstream seconds (measured ÷ scale). Run alone: `npm run bench -- --only real-limits`.
 */
import { pathToFileURL } from 'node:url';
import type { ActionCounter } from '../local/upstream-sim';
import { TIER_CREATE_ASSET_PER_MINUTE } from '../local/upstream-sim/defaults';
import type { RateStat, SimTier } from '../local/upstream-sim/types';
import { openLoadStack, runUploadBatch, type LoadStack, type UploadBatch } from './lib/load';
import { round } from './lib/stats';

/**
 * 0.2: the 60 s window lasts 12 s. Smaller scales make the window shorter than the local stack needs to
 * bring 150 uploads to CreateAsset (about 25 per second on 2 cores), and the run would measure the stack.
 */
const SCALE = Number(process.env.BENCH_REAL_LIMITS_SCALE ?? 0.2);
const RUNS: readonly { tier: SimTier; uploads: number }[] = [
  { tier: 'basic', uploads: Number(process.env.BENCH_REAL_LIMITS_BASIC ?? 10) },
  { tier: 'advanced', uploads: Number(process.env.BENCH_REAL_LIMITS_ADVANCED ?? 150) },
];

function tally(values: readonly string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

const emptyCounter: ActionCounter = { calls: 0, ok: 0, throttled: 0, faulted: 0 };

function figures(
  tier: SimTier,
  uploads: number,
  batch: UploadBatch,
  counters: Record<string, ActionCounter>,
  stats: Record<string, RateStat>,
) {
  const perMinute = TIER_CREATE_ASSET_PER_MINUTE[tier];
  const statuses = batch.outcomes.map((o) => o.status?.status ?? (o.sendError ? 'send failed' : 'no status'));
  const failures = batch.outcomes.flatMap((o) =>
    o.status?.status === 'failed' ? [o.status.error?.code ?? 'no code'] : [],
  );
  const create = counters.CreateAsset ?? emptyCounter;
  const rate = stats.CreateAsset;
  const lastMs = Math.max(0, ...batch.outcomes.map((o) => o.doneMs ?? 0));
  const idealMs = (uploads / perMinute) * 60_000 * SCALE;
  return {
    tier,
    uploads,
    createAssetPerMinute: perMinute,
    active: statuses.filter((s) => s === 'active').length,
    failed: statuses.filter((s) => s === 'failed').length,
    createAssetThrottled: rate?.throttled ?? create.throttled,
    createAssetCalls: create.calls,
    createAssetAccepted: rate?.accepted ?? create.ok,
    maxAcceptedInAnyWindow: rate?.maxAcceptedInWindow ?? 'not measured',
    timeToLastTerminalOverIdeal: round(lastMs / idealMs, 2),
    timeToLastTerminalS: round(lastMs / 1000, 1),
    idealS: round(idealMs / 1000, 1),
    timeToLastTerminalUpstreamS: round(lastMs / SCALE / 1000, 0),
    idealUpstreamS: round(idealMs / SCALE / 1000, 0),
    finalStatuses: tally(statuses),
    failureCodes: failures.length > 0 ? tally(failures) : 'none',
    throttleAnswers: rate
      ? Object.entries(rate.throttledBy)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none'
      : 'not measured',
    windowMs: rate?.windowMs ?? 60_000 * SCALE,
    getAssetCalls: (counters.GetAsset ?? emptyCounter).calls,
    getAssetThrottled: (counters.GetAsset ?? emptyCounter).throttled,
    sendErrors: batch.outcomes.flatMap((o) => (o.sendError ? [o.sendError] : [])).slice(0, 3),
  };
}

/**
 * One burst on the stack's simulator after switching it to `tier` (which starts an empty window). One
 * stack serves every run: the handlers cache their clients per process, as a warm Lambda does.
 */
async function burst(l: LoadStack, tier: SimTier, uploads: number) {
  l.sim.control.update({ tier });
  const group = await l.client.createGroup({ name: `bench-real-limits-${tier}`, description: 'bench' });
  l.sim.control.resetCounters();
  const batch = await runUploadBatch(l, group.groupId, uploads, {
    // Past the ingest state machine's own 2 h backstop (scaled), so every execution closes by itself.
    deadlineMs: Math.max(120_000, 2 * 3600_000 * SCALE),
  });
  return figures(tier, uploads, batch, l.sim.control.counters(), l.sim.control.rateStats());
}

export async function run(): Promise<Record<string, unknown>> {
  // Handlers run in this process: keep their per-call log lines out of the benchmark output.
  process.env.LOG_LEVEL = 'error';
  const runs: Record<string, ReturnType<typeof figures>> = {};
  const l = await openLoadStack({ timeScale: SCALE, simulator: { quiet: true, seed: 42 } });
  try {
    for (const r of RUNS) runs[r.tier] = await burst(l, r.tier, r.uploads);
  } finally {
    await l.close();
  }
  const basic = runs.basic;
  const advanced = runs.advanced;
  const headlineOf = (f: ReturnType<typeof figures> | undefined) =>
    f
      ? `${f.active} active / ${f.failed} failed of ${f.uploads}; CreateAsset ${f.createAssetThrottled} throttled of ${f.createAssetCalls}; max ${f.maxAcceptedInAnyWindow} accepted per window (quota ${f.createAssetPerMinute}); time ÷ ideal ${f.timeToLastTerminalOverIdeal}`
      : 'not run';
  return {
    title: `Real limits: ${RUNS.map((r) => `${r.uploads} uploads at once on ${r.tier}`).join(', ')}`,
    notes: [
      `Local stack (startLocalStack) at time scale ${SCALE}: the simulator's CreateAsset window lasts ${round(60 * SCALE, 2)} s instead of 60 s; its QPS buckets, processing delays (assets 5–13 s × scale) and the state machines' Wait/Retry intervals scale alike. Simulator defaults otherwise: throttles answered in the mix 1:1:1 (AccountFlowLimitExceeded in an HTTP 200, the same in a 429, QuotaWriteQPMExceeded 429), seed 42.`,
      'Uploads: SigV4-signed createUpload + presigned POST, all fired at once, through S3 → trigger → ingest state machine (Validate, CreateAsset, GetAsset loop); the outcome is the API status once every execution closed.',
      "Throttled / calls / accepted / max per window: the simulator's own counts (rateStats: accepted and throttled calls per action, the densest sliding window). Time ÷ ideal: from the first upload sent to the last execution closed, over N ÷ quota windows (ideal, upstream seconds = measured ÷ scale); below 1 is possible, as the first window's quota is there at once.",
      'These are the figures before an account-wide governor: each execution retries CreateAsset on its own (ASL Retry on Upstream.Throttled, 60 attempts, 2 s ×2 up to 10 s, full jitter; scaled).',
    ],
    headline: ['basic', 'advanced'],
    basic: headlineOf(basic),
    advanced: headlineOf(advanced),
    timeScale: SCALE,
    runs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
  process.exit(0);
}
