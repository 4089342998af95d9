/**
 * The rule for adopting an asset made outside this stack (a real-person asset verified in the console):
 * it must be in our project and Active, because a video that references anything else fails upstream
 * minutes later instead of now.
 */
import { ApiError } from '../errors';
import type { Asset } from '../volcengine/types';

export function checkAdoptable(asset: Asset, projectName: string): void {
  if (asset.projectName && asset.projectName !== projectName)
    throw new ApiError(
      'AssetInOtherProject',
      `Asset ${asset.id} belongs to project ${asset.projectName}, this stack uses ${projectName}`,
    );
  if (asset.status !== 'Active')
    throw new ApiError('AssetNotActive', `Asset ${asset.id} is ${asset.status}, not Active`, {
      status: asset.status,
      ...(asset.error ? { upstreamError: asset.error } : {}),
    });
}
