/**
 * One cleanup run: page through every group and every asset, collect what running executions
 * reference, plan, then delete (or, in a dry run, only report) at most `deletesPerSecond` groups per
 * second. Ports keep AWS out of here: the scheduled handler plugs in the assets client and Step
 * Functions. The result is the one summary the handler logs.
 */
import { isUpstreamError } from '../errors';
import type { Asset, AssetGroup } from '../volcengine/types';
import { planCleanup, recordAssetActivity, summarize, type Decision, type PlanSummary } from './plan';
import { collectReferences, emptyReferences, groupsInUse } from './references';
import { rateLimiter, realClock, type Clock } from './rate-limiter';

export interface CleanupPorts {
  groups(): AsyncIterable<AssetGroup>;
  assets(): AsyncIterable<Asset>;
  /** Inputs (JSON strings) of the RUNNING executions whose references keep a group alive. */
  runningExecutionInputs(): AsyncIterable<string | undefined>;
  deleteGroup(groupId: string): Promise<void>;
}

export interface CleanupOptions {
  managedTag: string;
  maxAgeDays: number;
  dryRun: boolean;
  now?: Date;
  /** DeleteAssetGroup's account limit is 5 QPS. */
  deletesPerSecond?: number;
  /** Attempts per delete when the upstream throttles or fails transiently. */
  maxAttempts?: number;
  clock?: Clock;
}

export interface CleanupResult extends PlanSummary {
  dryRun: boolean;
  deleted: string[];
  /** Planned deletions (dry run) or those that were attempted. */
  planned: string[];
  failed: Array<{ groupId: string; code: string }>;
  runningExecutions: number;
  assets: number;
  durationMs: number;
  decisions: Decision[];
}

async function deleteWithRetry(
  ports: CleanupPorts,
  groupId: string,
  take: () => Promise<void>,
  maxAttempts: number,
  clock: Clock,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await take();
    try {
      await ports.deleteGroup(groupId);
      return;
    } catch (e) {
      // Already gone (deleted by hand meanwhile): the goal is reached.
      if (isUpstreamError(e) && e.status === 404) return;
      if (!isUpstreamError(e) || !e.retryable || attempt >= maxAttempts) throw e;
      await clock.sleep(Math.min(8000, 250 * 2 ** attempt));
    }
  }
}

export async function runCleanup(ports: CleanupPorts, opts: CleanupOptions): Promise<CleanupResult> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const now = opts.now ?? new Date(clock.now());

  const groups: AssetGroup[] = [];
  for await (const g of ports.groups()) groups.push(g);

  const lastAssetActivity = new Map<string, number>();
  const groupOfAsset = new Map<string, string>();
  let assets = 0;
  for await (const a of ports.assets()) {
    assets++;
    recordAssetActivity(lastAssetActivity, a);
    groupOfAsset.set(a.id, a.groupId);
  }

  const refs = emptyReferences();
  let runningExecutions = 0;
  for await (const input of ports.runningExecutionInputs()) {
    runningExecutions++;
    collectReferences(input, refs);
  }

  const decisions = planCleanup({
    groups,
    lastAssetActivity,
    inUseGroupIds: groupsInUse(refs, groupOfAsset),
    managedTag: opts.managedTag,
    maxAgeDays: opts.maxAgeDays,
    now,
  });
  const planned = decisions.filter((d) => d.action === 'delete').map((d) => d.groupId);

  const deleted: string[] = [];
  const failed: CleanupResult['failed'] = [];
  if (!opts.dryRun) {
    const limiter = rateLimiter(opts.deletesPerSecond ?? 5, clock);
    for (const groupId of planned) {
      try {
        await deleteWithRetry(ports, groupId, () => limiter.take(), opts.maxAttempts ?? 4, clock);
        deleted.push(groupId);
      } catch (e) {
        failed.push({ groupId, code: isUpstreamError(e) ? e.code : 'InternalError' });
      }
    }
  }

  return {
    ...summarize(decisions),
    dryRun: opts.dryRun,
    planned,
    deleted,
    failed,
    runningExecutions,
    assets,
    durationMs: clock.now() - started,
    decisions,
  };
}
