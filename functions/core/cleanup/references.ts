/**
 * Finds the asset and group IDs an execution's input refers to, whatever shape the input has (a video
 * request lists `asset://` URIs and `assetId`s; an upload carries `groupId`). Walking the whole JSON
 * rather than reading known fields keeps cleanup safe when the request format grows.
 */

export interface References {
  assetIds: Set<string>;
  groupIds: Set<string>;
}

const ASSET_URI = /asset:\/\/(asset-[A-Za-z0-9_-]+)/g;
const ASSET_ID = /^asset-[A-Za-z0-9_-]+$/;
const GROUP_ID = /^group-[A-Za-z0-9_-]+$/;

export function emptyReferences(): References {
  return { assetIds: new Set(), groupIds: new Set() };
}

function walk(value: unknown, refs: References, depth: number): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    for (const m of value.matchAll(ASSET_URI)) if (m[1]) refs.assetIds.add(m[1]);
    if (ASSET_ID.test(value)) refs.assetIds.add(value);
    if (GROUP_ID.test(value)) refs.groupIds.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, refs, depth + 1);
    return;
  }
  if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v, refs, depth + 1);
}

/** Adds the references found in one execution input (a JSON string; unparsable input is scanned as text). */
export function collectReferences(
  input: string | undefined,
  refs: References = emptyReferences(),
): References {
  if (!input) return refs;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    parsed = input;
  }
  walk(parsed, refs, 0);
  return refs;
}

/** Groups in use: those referenced directly plus the groups of referenced assets. */
export function groupsInUse(refs: References, groupOfAsset: ReadonlyMap<string, string>): Set<string> {
  const out = new Set(refs.groupIds);
  for (const id of refs.assetIds) {
    const g = groupOfAsset.get(id);
    if (g) out.add(g);
  }
  return out;
}
