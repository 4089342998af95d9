/**
 * After a CreateAsset whose outcome is unknown (timeout, 5xx), the asset may exist already. Assets are
 * named by upload ID, so a lookup by Name in the group finds it; upstream's Name filter may match
 * partially, hence the exact comparison. A Failed asset is not reused: it is what a re-creation replaces.
 */
import type { Asset, ScanAssetsQuery } from '../volcengine/types';

export interface AssetLister {
  iterateAssets(q: ScanAssetsQuery): AsyncIterable<Asset>;
}

export async function findUploadAsset(
  client: AssetLister,
  groupId: string,
  uploadId: string,
): Promise<Asset | undefined> {
  for await (const asset of client.iterateAssets({
    filter: { groupIds: [groupId], name: uploadId },
    maxResults: 100,
  })) {
    if (asset.name === uploadId && (!asset.groupId || asset.groupId === groupId) && asset.status !== 'Failed')
      return asset;
  }
  return undefined;
}
