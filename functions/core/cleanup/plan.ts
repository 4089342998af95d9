/**
 * Decides which asset groups cleanup deletes. Pure: it gets every group, the latest asset activity per
 * group and the groups in use, and returns one decision per group with the reason, so the rules are
 * tested without any upstream. A group is deleted only when it carries this stack's marker, was created
 * and last updated before the cutoff, none of its assets was created or updated after the cutoff, and no
 * running execution references it.
 */
import { isManaged } from '../groups/marker';
import type { AssetGroup } from '../volcengine/types';

export type KeepReason = 'unmanaged' | 'recent-group' | 'recent-asset' | 'in-use' | 'bad-timestamp';

export type Decision =
  | { groupId: string; action: 'delete'; lastActivity: string }
  | { groupId: string; action: 'keep'; reason: KeepReason };

export interface PlanInput {
  groups: readonly AssetGroup[];
  /** Latest createTime/updateTime (ms since epoch) among each group's assets; absent = no assets. */
  lastAssetActivity: ReadonlyMap<string, number>;
  inUseGroupIds: ReadonlySet<string>;
  managedTag: string;
  maxAgeDays: number;
  now: Date;
}

const DAY_MS = 86_400_000;

export function cutoffFor(now: Date, maxAgeDays: number): number {
  return now.getTime() - maxAgeDays * DAY_MS;
}

function time(s: string | undefined): number {
  return s ? Date.parse(s) : Number.NaN;
}

export function decide(group: AssetGroup, input: PlanInput, cutoff: number): Decision {
  const groupId = group.id;
  if (!isManaged(group.description, input.managedTag))
    return { groupId, action: 'keep', reason: 'unmanaged' };
  const created = time(group.createTime);
  const updated = Number.isNaN(time(group.updateTime)) ? created : time(group.updateTime);
  // An unreadable date must never make a group look old.
  if (Number.isNaN(created)) return { groupId, action: 'keep', reason: 'bad-timestamp' };
  const groupActivity = Math.max(created, updated);
  if (groupActivity > cutoff) return { groupId, action: 'keep', reason: 'recent-group' };
  const assetActivity = input.lastAssetActivity.get(groupId);
  if (assetActivity !== undefined && (Number.isNaN(assetActivity) || assetActivity > cutoff))
    return { groupId, action: 'keep', reason: 'recent-asset' };
  if (input.inUseGroupIds.has(groupId)) return { groupId, action: 'keep', reason: 'in-use' };
  const last = Math.max(groupActivity, assetActivity ?? 0);
  return { groupId, action: 'delete', lastActivity: new Date(last).toISOString() };
}

export function planCleanup(input: PlanInput): Decision[] {
  const cutoff = cutoffFor(input.now, input.maxAgeDays);
  return input.groups.map((g) => decide(g, input, cutoff));
}

/** Folds one asset into the per-group latest-activity map (the caller pages through all assets). */
export function recordAssetActivity(
  map: Map<string, number>,
  asset: { groupId: string; createTime: string; updateTime: string },
): void {
  const created = time(asset.createTime);
  const updated = time(asset.updateTime);
  // NaN marks "unknown", which decide() treats as recent: keep the group.
  const latest = Number.isNaN(created) || Number.isNaN(updated) ? Number.NaN : Math.max(created, updated);
  const prev = map.get(asset.groupId);
  if (prev === undefined) map.set(asset.groupId, latest);
  else if (Number.isNaN(prev) || Number.isNaN(latest)) map.set(asset.groupId, Number.NaN);
  else map.set(asset.groupId, Math.max(prev, latest));
}

export interface PlanSummary {
  groups: number;
  managed: number;
  toDelete: number;
  kept: Record<KeepReason, number>;
}

export function summarize(decisions: readonly Decision[]): PlanSummary {
  const kept: Record<KeepReason, number> = {
    unmanaged: 0,
    'recent-group': 0,
    'recent-asset': 0,
    'in-use': 0,
    'bad-timestamp': 0,
  };
  let toDelete = 0;
  for (const d of decisions) {
    if (d.action === 'delete') toDelete++;
    else kept[d.reason]++;
  }
  return { groups: decisions.length, managed: decisions.length - kept.unmanaged, toDelete, kept };
}
