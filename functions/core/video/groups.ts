/**
 * Whole characters: a `{groupId}` in `references`, `referenceVideos` or `referenceAudios` stands for that
 * group's Active assets of the slot's kind, in a documented order — CreateTime ascending, then asset ID
 * (upstream stamps CreateTime in whole seconds, so ties are common) — expanded in place, so the caller's
 * order of items is kept. A group gives at most what the model still has room for after the request's
 * other media of that kind; the `media` list (media.ts) tells the caller which asset became "Image N".
 *   missing, deleted or in another project → 400 `GroupNotFound`
 *   no Active asset of the kind           → 400 `GroupHasNoActiveAssets`
 * LivenessFace groups (real-person characters) expand the same way; ListAssets needs the group's type.
 */
import type { CreateVideoBody, ReferenceRef, TimedMediaRef } from '../api-schemas/videos';
import { ApiError, UpstreamError } from '../errors';
import type { Asset, AssetGroup, GroupType, ScanAssetsQuery } from '../volcengine/types';
import type { AssetTypeName } from './content';
import type { ModelRules } from './models';

export interface GroupAssetSource {
  getAssetGroup(id: string): Promise<AssetGroup>;
  iterateAssets(q: ScanAssetsQuery): AsyncIterable<Asset>;
}

/** Where each expanded item came from: the group ID, by field and index of the expanded body. */
export type GroupOrigins = Record<string, string>;

export interface Expansion {
  body: CreateVideoBody;
  /** `references.3` → `group-…` for items that came from a group. */
  origins: GroupOrigins;
}

/** Assets read per group at most: a character is a handful of files; this only bounds a runaway group. */
const MAX_SCANNED_PER_GROUP = 1_000;

const KINDS = [
  { field: 'references', assetType: 'Image', limit: (r: ModelRules) => r.maxImages },
  { field: 'referenceVideos', assetType: 'Video', limit: (r: ModelRules) => r.maxVideos },
  { field: 'referenceAudios', assetType: 'Audio', limit: (r: ModelRules) => r.maxAudios },
] as const satisfies ReadonlyArray<{ field: string; assetType: AssetTypeName; limit: unknown }>;

const cmp = <T>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);
/** CreateTime ascending (as instants when they parse, else as text), then asset ID. */
const byAge = (a: Asset, b: Asset): number =>
  Date.parse(a.createTime) - Date.parse(b.createTime) ||
  0 ||
  cmp(a.createTime, b.createTime) ||
  cmp(a.id, b.id);

export const hasGroupReferences = (body: CreateVideoBody): boolean =>
  KINDS.some((k) => (body[k.field] ?? []).some((r) => r.groupId !== undefined));

async function groupOf(source: GroupAssetSource, groupId: string, projectName: string): Promise<AssetGroup> {
  let group: AssetGroup | undefined;
  try {
    group = await source.getAssetGroup(groupId);
  } catch (e) {
    if (!(e instanceof UpstreamError && (e.status === 404 || e.code.startsWith('NotFound')))) throw e;
  }
  if (!group || (group.projectName !== '' && group.projectName !== projectName))
    throw new ApiError('GroupNotFound', `Group ${groupId} was not found in project ${projectName}`, {
      groupId,
    });
  return group;
}

/** The group's Active assets of one type, oldest first. */
export async function activeAssetsOf(
  source: GroupAssetSource,
  group: Pick<AssetGroup, 'id' | 'groupType'>,
  assetType: AssetTypeName,
): Promise<Asset[]> {
  const groupType: GroupType = group.groupType === 'LivenessFace' ? 'LivenessFace' : 'AIGC';
  const found: Asset[] = [];
  let scanned = 0;
  for await (const a of source.iterateAssets({
    filter: { groupIds: [group.id], groupType, statuses: ['Active'] },
    sortBy: 'CreateTime',
    sortOrder: 'Asc',
  })) {
    if (a.groupId === group.id && a.status === 'Active' && a.assetType === assetType) found.push(a);
    if (++scanned >= MAX_SCANNED_PER_GROUP) break;
  }
  return found.sort(byAge);
}

/**
 * Replaces every `{groupId}` by the group's assets. Bodies without groups come back unchanged. The
 * groups are read in parallel, each once even when named twice.
 */
export async function expandGroupReferences(
  body: CreateVideoBody,
  source: GroupAssetSource,
  rules: ModelRules,
  projectName: string,
): Promise<Expansion> {
  if (!hasGroupReferences(body)) return { body, origins: {} };
  const wanted = new Map<string, Set<AssetTypeName>>();
  for (const k of KINDS)
    for (const r of body[k.field] ?? [])
      if (r.groupId !== undefined)
        wanted.set(r.groupId, (wanted.get(r.groupId) ?? new Set()).add(k.assetType));
  const lists = new Map<string, Asset[]>();
  await Promise.all(
    [...wanted].map(async ([groupId, types]) => {
      const group = await groupOf(source, groupId, projectName);
      for (const t of types) lists.set(`${groupId}/${t}`, await activeAssetsOf(source, group, t));
    }),
  );

  const out: CreateVideoBody = { ...body };
  const origins: GroupOrigins = {};
  for (const k of KINDS) {
    const items = body[k.field];
    if (!items) continue;
    const frames = k.field === 'references' ? (body.firstFrame ? 1 : 0) + (body.lastFrame ? 1 : 0) : 0;
    const singles = items.filter((r) => r.groupId === undefined).length;
    let room = Math.max(0, k.limit(rules) - singles - frames);
    const expanded: Array<ReferenceRef & TimedMediaRef> = [];
    for (const r of items) {
      if (r.groupId === undefined) {
        expanded.push(r);
        continue;
      }
      const assets = lists.get(`${r.groupId}/${k.assetType}`) ?? [];
      if (assets.length === 0)
        throw new ApiError(
          'GroupHasNoActiveAssets',
          `Group ${r.groupId} has no Active ${k.assetType.toLowerCase()} asset for ${k.field}; upload one, or wait until its uploads are active`,
          { groupId: r.groupId, field: k.field, assetType: k.assetType },
        );
      for (const a of assets.slice(0, room)) {
        origins[`${k.field}.${expanded.length}`] = r.groupId;
        expanded.push({ assetId: a.id });
      }
      room = Math.max(0, room - assets.length);
    }
    (out as Record<string, unknown>)[k.field] = expanded;
  }
  return { body: out, origins };
}
