/**
 * Which groups DELETE /groups/{id} removes without `?force=true`: only the ones this stack created
 * (its marker in the Description). A group made in the console, or a `LivenessFace` group (a real
 * person went through face verification to make it, and cannot simply redo it), is someone else's
 * work; deleting it takes its assets with it, so the caller must say so explicitly.
 */
import type { AssetGroup } from '../volcengine/types';
import { isManaged } from './marker';

/** Why a forced delete is needed, or undefined when the group is ours to delete. */
export function unmanagedReason(
  group: Pick<AssetGroup, 'description' | 'groupType'>,
  tag: string,
): string | undefined {
  if (group.groupType === 'LivenessFace') return 'is a LivenessFace group (made through face verification)';
  if (!isManaged(group.description, tag)) return 'was not created by this stack';
  return undefined;
}
