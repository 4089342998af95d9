/**
 * Checks every library asset a video request references, in parallel, before any money is spent:
 * it must exist in our project, be `Active`, and be of the type its slot needs. Upstream would refuse a
 * missing asset too, but only after the execution started; here the caller gets a precise answer.
 *   404/NotFound or another project → 400 `AssetNotFound`
 *   Processing or Failed            → 409 `AssetNotActive` (a conflict with the asset's state: a
 *                                     Processing asset may become Active, so retrying later can work)
 *   image slot given a video asset  → 400 `AssetTypeMismatch`
 * Any other upstream failure is rethrown as is (the API maps it to 502/503/504).
 */
import type { CreateVideoBody } from '../api-schemas/videos';
import { ApiError, UpstreamError } from '../errors';
import type { Asset } from '../volcengine/types';
import { ASSET_TYPE_OF, mediaSlots, type MediaSlot } from './content';

export interface AssetLookup {
  getAsset(id: string): Promise<Asset>;
}

export interface AssetProblem {
  field: string;
  assetId: string;
  code: 'AssetNotFound' | 'AssetNotActive' | 'AssetTypeMismatch';
  message: string;
  status?: string;
}

function isNotFound(e: unknown): boolean {
  return e instanceof UpstreamError && (e.status === 404 || e.code.startsWith('NotFound'));
}

function problemOf(
  slot: MediaSlot,
  assetId: string,
  asset: Asset | undefined,
  projectName: string,
): AssetProblem | undefined {
  if (!asset || asset.projectName !== projectName)
    return {
      field: slot.field,
      assetId,
      code: 'AssetNotFound',
      message: `Asset ${assetId} was not found in project ${projectName}`,
    };
  const wanted = ASSET_TYPE_OF[slot.kind];
  if (asset.assetType !== wanted)
    return {
      field: slot.field,
      assetId,
      code: 'AssetTypeMismatch',
      message: `Asset ${assetId} is a ${asset.assetType} asset but ${slot.field} needs ${wanted}`,
    };
  if (asset.status !== 'Active')
    return {
      field: slot.field,
      assetId,
      code: 'AssetNotActive',
      status: asset.status,
      message:
        asset.status === 'Processing'
          ? `Asset ${assetId} is still Processing; retry once it is Active`
          : `Asset ${assetId} is ${asset.status}${asset.error ? ` (${asset.error.code})` : ''}; upload it again`,
    };
  return undefined;
}

export interface AssetCheck {
  problems: AssetProblem[];
  /** Groups of the assets found, sorted (the video's record lists under them). */
  groupIds: string[];
}

/** All problems, in content order (empty when every asset is usable), and the groups referenced. */
export async function inspectReferencedAssets(
  body: CreateVideoBody,
  lookup: AssetLookup,
  projectName: string,
): Promise<AssetCheck> {
  const slots = mediaSlots(body).filter((s) => s.ref.assetId !== undefined);
  const ids = [...new Set(slots.map((s) => s.ref.assetId as string))];
  const found = new Map<string, Asset | undefined>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        found.set(id, await lookup.getAsset(id));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        found.set(id, undefined);
      }
    }),
  );
  const problems: AssetProblem[] = [];
  for (const slot of slots) {
    const id = slot.ref.assetId as string;
    const p = problemOf(slot, id, found.get(id), projectName);
    if (p) problems.push(p);
  }
  const groupIds = new Set<string>();
  for (const asset of found.values())
    if (asset && asset.projectName === projectName) groupIds.add(asset.groupId);
  return { problems, groupIds: [...groupIds].sort() };
}

export async function findAssetProblems(
  body: CreateVideoBody,
  lookup: AssetLookup,
  projectName: string,
): Promise<AssetProblem[]> {
  return (await inspectReferencedAssets(body, lookup, projectName)).problems;
}

/**
 * Throws one ApiError whose details list every problem. A permanent problem (missing, wrong type) wins
 * over a temporary one, so a caller is not told to wait for an asset when the request can never work.
 */
export async function checkReferencedAssets(
  body: CreateVideoBody,
  lookup: AssetLookup,
  projectName: string,
): Promise<{ groupIds: string[] }> {
  const { problems, groupIds } = await inspectReferencedAssets(body, lookup, projectName);
  const first = problems.find((p) => p.code !== 'AssetNotActive') ?? problems[0];
  if (!first) return { groupIds };
  const status = first.code === 'AssetNotActive' ? 409 : 400;
  throw new ApiError(status, first.code, first.message, { problems });
}
