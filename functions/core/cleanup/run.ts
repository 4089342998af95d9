/**
 * One cleanup run: page through every group and every asset (paced under the List* limits), collect
 * what running executions reference, plan, then delete (or, in a dry run, only report) at most
 * `deletesPerSecond` groups per second, retrying throttled and transient failures with backoff.
 * Ports keep AWS out of here: the scheduled handler plugs in the assets client and Step Functions.
 * The result is the one summary the handler logs.
 */
import { isUpstreamError } from '../errors';
import type { Asset, AssetGroup, CursorPage } from '../volcengine/types';
import { planCleanup, recordAssetActivity, summarize, type Decision, type PlanSummary } from './plan';
import { collectReferences, emptyReferences, groupsInUse } from './references';
import { rateLimiter, realClock, type Clock } from './rate-limiter';

/** Cursor paging: upstream refuses deep page numbers (groups past 10,000 items, assets past 20,000). */
export interface PageRequest {
  maxResults: number;
  nextToken?: string;
}

export interface CleanupPorts {
  listGroups(q: PageRequest): Promise<CursorPage<AssetGroup>>;
  listAssets(q: PageRequest): Promise<CursorPage<Asset>>;
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
  /** ListAssetGroups/ListAssets share the 10 QPS default; stay under it. */
  listsPerSecond?: number;
  /** ≤ 100 upstream. */
  pageSize?: number;
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
  listCalls: number;
  durationMs: number;
  decisions: Decision[];
}

interface Pacing {
  clock: Clock;
  maxAttempts: number;
}

/** Retries throttling and transient upstream failures with exponential backoff; the rest rethrows. */
async function withRetry<T>(call: () => Promise<T>, take: () => Promise<void>, p: Pacing): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await take();
    try {
      return await call();
    } catch (e) {
      if (!isUpstreamError(e) || !e.retryable || attempt >= p.maxAttempts) throw e;
      await p.clock.sleep(Math.min(8000, 250 * 2 ** attempt));
    }
  }
}

async function* pages<T>(
  list: (q: PageRequest) => Promise<CursorPage<T>>,
  pageSize: number,
  take: () => Promise<void>,
  p: Pacing,
  onCall: () => void,
): AsyncGenerator<T> {
  const sent = new Set<string>();
  let nextToken: string | undefined;
  for (;;) {
    onCall();
    const q: PageRequest = nextToken ? { maxResults: pageSize, nextToken } : { maxResults: pageSize };
    const page = await withRetry(() => list(q), take, p);
    yield* page.items;
    // No NextToken ends it; a token already sent means a service that ignores the cursor, which must not
    // loop us forever.
    if (!page.nextToken || sent.has(page.nextToken)) return;
    sent.add(page.nextToken);
    nextToken = page.nextToken;
  }
}

async function deleteGroup(ports: CleanupPorts, groupId: string, take: () => Promise<void>, p: Pacing) {
  try {
    await withRetry(() => ports.deleteGroup(groupId), take, p);
  } catch (e) {
    // Already gone (deleted by hand meanwhile): the goal is reached.
    if (isUpstreamError(e) && e.status === 404) return;
    throw e;
  }
}

export async function runCleanup(ports: CleanupPorts, opts: CleanupOptions): Promise<CleanupResult> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const now = opts.now ?? new Date(clock.now());

  const pacing: Pacing = { clock, maxAttempts: opts.maxAttempts ?? 4 };
  const pageSize = opts.pageSize ?? 100;
  const listLimiter = rateLimiter(opts.listsPerSecond ?? 8, clock);
  const takeList = () => listLimiter.take();
  let listCalls = 0;
  const counted = () => void listCalls++;

  const groups: AssetGroup[] = [];
  for await (const g of pages((q) => ports.listGroups(q), pageSize, takeList, pacing, counted))
    groups.push(g);

  const lastAssetActivity = new Map<string, number>();
  const groupOfAsset = new Map<string, string>();
  let assets = 0;
  for await (const a of pages((q) => ports.listAssets(q), pageSize, takeList, pacing, counted)) {
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
        await deleteGroup(ports, groupId, () => limiter.take(), pacing);
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
    listCalls,
    durationMs: clock.now() - started,
    decisions,
  };
}
