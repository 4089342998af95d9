/**
 * The "managed by this stack" marker. Asset groups have no tags upstream, so a group this stack creates
 * gets ` [managed-by:<tag>]` appended to its Description (<tag> is MANAGED_GROUP_TAG; the stack sets it
 * to its own name so two deployments sharing a Volcengine project never clean up each other's groups).
 * The API strips the marker from what it returns and reports `managed: true` instead. Cleanup deletes
 * only groups carrying this stack's exact marker. Anyone who can edit descriptions in the console can
 * add or remove it: it is a convention, not a security boundary.
 */

/** Upstream limit on Description. */
export const MAX_UPSTREAM_DESCRIPTION = 300;

const TAG_PATTERN = /^[A-Za-z0-9._:/-]{1,80}$/;

export function markerFor(tag: string): string {
  if (!TAG_PATTERN.test(tag)) throw new Error(`managed group tag must match ${TAG_PATTERN.source}`);
  return `[managed-by:${tag}]`;
}

/** The description to send upstream for a group this stack creates. */
export function markDescription(description: string | undefined, tag: string): string {
  const marker = markerFor(tag);
  const text = (description ?? '').trim();
  const out = text === '' ? marker : `${text} ${marker}`;
  if (out.length > MAX_UPSTREAM_DESCRIPTION)
    throw new Error(`description too long with the marker (${out.length} > ${MAX_UPSTREAM_DESCRIPTION})`);
  return out;
}

export function isManaged(description: string | undefined, tag: string): boolean {
  return (description ?? '').trimEnd().endsWith(markerFor(tag));
}

/** The caller's own description, with this stack's marker removed. */
export function stripMarker(description: string | undefined, tag: string): string {
  const text = (description ?? '').trimEnd();
  const marker = markerFor(tag);
  return text.endsWith(marker) ? text.slice(0, -marker.length).trimEnd() : text;
}
