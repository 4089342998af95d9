/**
 * The asset library's state and the nine Actions over it, as UPSTREAM.md §1 and the seed describe them:
 * every group and asset lives in a ProjectName (default `default`, case-sensitive), CreateAsset answers
 * at once with `Processing` while the file is really downloaded and checked, and the status turns
 * `Active` or `Failed` after the processing delay. Status changes are applied lazily on every read, so
 * no timers run and a time scale simply shrinks the delay.
 */
import type { AssetStatus, AssetType } from '../../../functions/core/volcengine/types';
import type { MediaLinks } from '../media';
import { isoSeconds, newId, type SeededRandom } from '../random';
import type { ResolvedSimOptions } from '../types';
import { download } from './downloader';
import { invalidParameter, missingParameter, SimVolcError } from './errors';
import { assetFailureMessage } from './failure-codes';
import { checkMedia } from './media-check';

export const VOLC_ACTIONS = [
  'CreateAssetGroup',
  'CreateAsset',
  'GetAsset',
  'GetAssetGroup',
  'ListAssetGroups',
  'ListAssets',
  'UpdateAsset',
  'UpdateAssetGroup',
  'DeleteAsset',
  'DeleteAssetGroup',
] as const;
export type VolcAction = (typeof VOLC_ACTIONS)[number];

export const isVolcAction = (a: string): a is VolcAction => (VOLC_ACTIONS as readonly string[]).includes(a);

interface GroupRecord {
  id: string;
  name: string;
  description: string;
  groupType: string;
  projectName: string;
  createTime: number;
  updateTime: number;
  deleted: boolean;
}

interface Outcome {
  status: 'Active' | 'Failed';
  code?: string;
  message?: string;
  at: number;
}

export interface AssetRecord {
  id: string;
  name: string;
  groupId: string;
  assetType: AssetType;
  projectName: string;
  moderation: { Strategy: string };
  createTime: number;
  updateTime: number;
  status: AssetStatus;
  readyAt: number;
  outcome?: Outcome;
  bytes?: Buffer;
  contentType?: string;
  durationSeconds?: number;
  deleted: boolean;
}

type Body = Record<string, unknown>;

const ASSET_URL_TTL_MS = 12 * 3_600_000;
const GROUP_TYPES = ['AIGC', 'LivenessFace'];
/** Page-number listings stop here (UPSTREAM.md §1 "Paging"); deeper ones need the cursor. */
const MAX_GROUP_PAGE_DEPTH = 10_000;
const MAX_ASSET_PAGE_DEPTH = 20_000;
/** Items per cursor page when MaxResults is not sent: not published, our choice. */
const DEFAULT_MAX_RESULTS = 10;
const NAME_MAX = 64;
const DESCRIPTION_MAX = 300;
const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  gif: 'image/gif',
  heic: 'image/heic',
  heix: 'image/heic',
  hevc: 'image/heic',
  hevx: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
  heif: 'image/heif',
  mp4: 'video/mp4',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
};

export interface LibraryDeps {
  rng: SeededRandom;
  options: () => ResolvedSimOptions;
  links: MediaLinks;
  forcedFailure: () => string | null;
  now?: () => number;
}

export class AssetLibrary {
  private readonly groups = new Map<string, GroupRecord>();
  private readonly assets = new Map<string, AssetRecord>();
  private readonly aborter = new AbortController();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: LibraryDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Runs one Action; throws SimVolcError for the caller's mistakes. */
  run(action: VolcAction, body: Body): unknown {
    switch (action) {
      case 'CreateAssetGroup':
        return this.createAssetGroup(body);
      case 'CreateAsset':
        return this.createAsset(body);
      case 'GetAsset':
        return this.assetWire(this.findAsset(body));
      case 'GetAssetGroup':
        return groupWire(this.findGroup(body, 'Id'));
      case 'ListAssetGroups':
        return this.listAssetGroups(body);
      case 'ListAssets':
        return this.listAssets(body);
      case 'UpdateAsset':
        return this.updateAsset(body);
      case 'UpdateAssetGroup':
        return this.updateAssetGroup(body);
      case 'DeleteAsset':
        return this.deleteAsset(body);
      case 'DeleteAssetGroup':
        return this.deleteAssetGroup(body);
    }
  }

  // ---- actions ----

  private createAssetGroup(body: Body): unknown {
    const name = requiredString(body, 'Name', NAME_MAX);
    const description = optionalString(body, 'Description', DESCRIPTION_MAX) ?? '';
    const groupType = optionalString(body, 'GroupType', 32) ?? 'AIGC';
    if (groupType !== 'AIGC') throw invalidParameter('GroupType', 'must be AIGC');
    const now = this.now();
    const id = newId('group', this.deps.rng, now, (x) => this.groups.has(x));
    this.groups.set(id, {
      id,
      name,
      description,
      groupType,
      projectName: projectOf(body),
      createTime: now,
      updateTime: now,
      deleted: false,
    });
    return { Id: id };
  }

  private createAsset(body: Body): unknown {
    const group = this.findGroup(body, 'GroupId');
    const rawUrl = requiredString(body, 'URL', 4096);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw invalidParameter('URL', 'must be a public http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw invalidParameter('URL', 'must be a public http(s) URL (no base64 or data URLs)');
    const assetType = requiredString(body, 'AssetType', 16);
    if (assetType !== 'Image' && assetType !== 'Video' && assetType !== 'Audio')
      throw invalidParameter('AssetType', 'must be Image, Video or Audio');
    const name = optionalString(body, 'Name', NAME_MAX) ?? '';
    const moderation = body.Moderation;
    let strategy = 'Default';
    if (moderation !== undefined) {
      const s = isObject(moderation) ? moderation.Strategy : undefined;
      if (s !== 'Default' && s !== 'Skip')
        throw invalidParameter('Moderation', 'Strategy must be Default or Skip');
      strategy = s;
    }
    const now = this.now();
    const opts = this.deps.options();
    const [min, max] = opts.assetDelayMs;
    const id = newId('asset', this.deps.rng, now, (x) => this.assets.has(x));
    const asset: AssetRecord = {
      id,
      name,
      groupId: group.id,
      assetType,
      projectName: group.projectName,
      moderation: { Strategy: strategy },
      createTime: now,
      updateTime: now,
      status: 'Processing',
      readyAt: now + this.deps.rng.int(min, max) * opts.timeScale,
      deleted: false,
    };
    this.assets.set(id, asset);
    this.track(this.process(asset, rawUrl));
    return { Id: id };
  }

  private updateAsset(body: Body): unknown {
    const asset = this.findAsset(body);
    asset.name = requiredString(body, 'Name', NAME_MAX);
    asset.updateTime = Math.max(this.now(), asset.updateTime);
    return { Id: asset.id };
  }

  private updateAssetGroup(body: Body): unknown {
    const group = this.findGroup(body, 'Id');
    group.name = requiredString(body, 'Name', NAME_MAX);
    const description = optionalString(body, 'Description', DESCRIPTION_MAX);
    if (description !== undefined) group.description = description;
    group.updateTime = this.now();
    return { Id: group.id };
  }

  private deleteAsset(body: Body): unknown {
    const asset = this.findAsset(body);
    asset.deleted = true;
    asset.bytes = undefined;
    return {};
  }

  private deleteAssetGroup(body: Body): unknown {
    const group = this.findGroup(body, 'Id');
    group.deleted = true;
    for (const a of this.assets.values())
      if (a.groupId === group.id) {
        a.deleted = true;
        a.bytes = undefined;
      }
    return {};
  }

  private listAssetGroups(body: Body): unknown {
    const filter = filterOf(body);
    const ids = stringArray(filter, 'GroupIds');
    const groupType = requiredGroupType(filter);
    const name = optionalString(filter, 'Name', NAME_MAX);
    const project = projectOf(body);
    const items = [...this.groups.values()].filter(
      (g) =>
        !g.deleted &&
        g.projectName === project &&
        (ids === undefined || ids.includes(g.id)) &&
        g.groupType === groupType &&
        (name === undefined || g.name.toLowerCase().includes(name.toLowerCase())),
    );
    return page(body, items, ['CreateTime', 'UpdateTime'], groupWire, MAX_GROUP_PAGE_DEPTH);
  }

  private listAssets(body: Body): unknown {
    this.settleAll();
    const filter = filterOf(body);
    const ids = stringArray(filter, 'GroupIds');
    const statuses = stringArray(filter, 'Statuses');
    for (const s of statuses ?? [])
      if (s !== 'Processing' && s !== 'Active' && s !== 'Failed')
        throw invalidParameter('Filter.Statuses', 'each must be Processing, Active or Failed');
    const groupType = requiredGroupType(filter);
    const name = optionalString(filter, 'Name', NAME_MAX);
    const project = projectOf(body);
    const items = [...this.assets.values()].filter(
      (a) =>
        !a.deleted &&
        a.projectName === project &&
        (ids === undefined || ids.includes(a.groupId)) &&
        (statuses === undefined || statuses.includes(a.status)) &&
        this.groups.get(a.groupId)?.groupType === groupType &&
        (name === undefined || a.name.toLowerCase().includes(name.toLowerCase())),
    );
    return page(
      body,
      items,
      ['CreateTime', 'UpdateTime', 'GroupId'],
      (a) => this.assetWire(a),
      MAX_ASSET_PAGE_DEPTH,
    );
  }

  // ---- lookups used by the task API ----

  /** The asset as the task API sees it: only when it exists, is Active and lives in `project`. */
  activeAsset(id: string, project: string): AssetRecord | undefined {
    const a = this.assets.get(id);
    if (!a || a.deleted || a.projectName !== project) return undefined;
    this.settle(a);
    return a.status === 'Active' ? a : undefined;
  }

  /** Stored file of an Active asset (served behind the GetAsset URL). */
  file(id: string): { bytes: Buffer; contentType: string } | undefined {
    const a = this.assets.get(id);
    if (!a || a.deleted || !a.bytes) return undefined;
    return { bytes: a.bytes, contentType: a.contentType ?? 'application/octet-stream' };
  }

  snapshotAssets(): Record<string, unknown>[] {
    this.settleAll();
    return [...this.assets.values()].filter((a) => !a.deleted).map((a) => this.assetWire(a));
  }

  snapshotGroups(): Record<string, unknown>[] {
    return [...this.groups.values()].filter((g) => !g.deleted).map(groupWire);
  }

  /** Stops in-flight downloads and waits for their bookkeeping to finish. */
  async close(): Promise<void> {
    this.aborter.abort();
    await Promise.allSettled([...this.pending]);
  }

  // ---- internals ----

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async process(asset: AssetRecord, url: string): Promise<void> {
    const forced = this.deps.forcedFailure();
    if (forced !== null) {
      asset.outcome = {
        status: 'Failed',
        code: forced,
        message: assetFailureMessage(forced),
        at: this.now(),
      };
      return;
    }
    const result = await download(url, asset.assetType, this.deps.options().downloadTimeoutMs, {
      signal: this.aborter.signal,
    });
    if (!result.ok) {
      asset.outcome = { status: 'Failed', code: result.code, message: result.message, at: this.now() };
      return;
    }
    const check = checkMedia(asset.assetType, result.bytes);
    if (!check.ok) {
      asset.outcome = { status: 'Failed', code: check.code, message: check.message, at: this.now() };
      return;
    }
    asset.bytes = asset.deleted ? undefined : result.bytes;
    asset.contentType = CONTENT_TYPES[check.format] ?? 'application/octet-stream';
    asset.durationSeconds = check.durationSeconds;
    asset.outcome = { status: 'Active', at: this.now() };
  }

  private settle(a: AssetRecord): void {
    if (a.status !== 'Processing' || !a.outcome) return;
    const at = Math.max(a.readyAt, a.outcome.at);
    if (this.now() < at) return;
    a.status = a.outcome.status;
    a.updateTime = Math.max(a.updateTime, at);
  }

  private settleAll(): void {
    for (const a of this.assets.values()) this.settle(a);
  }

  private findGroup(body: Body, field: 'Id' | 'GroupId'): GroupRecord {
    const id = requiredString(body, field, 128);
    const g = this.groups.get(id);
    if (!g || g.deleted || g.projectName !== projectOf(body))
      throw new SimVolcError('NotFound.group_id', `The specified group_id ${id} is not found.`);
    return g;
  }

  private findAsset(body: Body): AssetRecord {
    const id = requiredString(body, 'Id', 128);
    const a = this.assets.get(id);
    if (!a || a.deleted || a.projectName !== projectOf(body))
      throw new SimVolcError('NotFound.asset_id', `The specified asset_id ${id} is not found.`);
    this.settle(a);
    return a;
  }

  private assetWire(a: AssetRecord): Record<string, unknown> {
    const wire: Record<string, unknown> = {
      Id: a.id,
      Name: a.name,
      GroupId: a.groupId,
      AssetType: a.assetType,
      Status: a.status,
      Moderation: a.moderation,
      CreateTime: isoSeconds(a.createTime),
      UpdateTime: isoSeconds(a.updateTime),
      ProjectName: a.projectName,
    };
    if (a.status === 'Active' && a.bytes) {
      const ttl = Math.min(ASSET_URL_TTL_MS, this.deps.options().linkTtlMs);
      wire.URL = this.deps.links.sign(`/_media/assets/${a.id}`, ttl, this.now());
    }
    if (a.status === 'Failed' && a.outcome?.code)
      wire.Error = { Code: a.outcome.code, Message: a.outcome.message ?? a.outcome.code };
    return wire;
  }
}

function groupWire(g: GroupRecord): Record<string, unknown> {
  return {
    Id: g.id,
    Name: g.name,
    Title: g.name,
    Description: g.description,
    GroupType: g.groupType,
    ProjectName: g.projectName,
    CreateTime: isoSeconds(g.createTime),
    UpdateTime: isoSeconds(g.updateTime),
  };
}

// ---- parameter helpers ----

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

function projectOf(body: Body): string {
  const p = body.ProjectName;
  if (p === undefined || p === null || p === '') return 'default';
  if (typeof p !== 'string') throw invalidParameter('ProjectName', 'must be a string');
  return p;
}

function optionalString(body: Body, field: string, max: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(field, 'must be a string');
  if ([...v].length > max) throw invalidParameter(field, `must be at most ${max} characters`);
  return v;
}

function requiredString(body: Body, field: string, max: number): string {
  const v = optionalString(body, field, max);
  if (v === undefined || v === '') throw missingParameter(field);
  return v;
}

function filterOf(body: Body): Body {
  const f = body.Filter;
  if (f === undefined || f === null) return {};
  if (!isObject(f)) throw invalidParameter('Filter', 'must be an object');
  return f;
}

function stringArray(body: Body, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalidParameter(`Filter.${field}`, 'must be an array of strings');
  return v as string[];
}

function requiredGroupType(filter: Body): string {
  const groupType = optionalString(filter, 'GroupType', 32);
  if (groupType === undefined || groupType === '') throw missingParameter('Filter.GroupType');
  if (!GROUP_TYPES.includes(groupType))
    throw invalidParameter('Filter.GroupType', `must be one of ${GROUP_TYPES.join(', ')}`);
  return groupType;
}

function intParam(body: Body, field: string, def: number, min: number, max: number): number {
  const v = body[field];
  if (v === undefined || v === null) return def;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw invalidParameter(field, `must be an integer in ${min}..${max}`);
  return n;
}

interface Sortable {
  createTime: number;
  updateTime: number;
  id: string;
  groupId?: string;
}

/** Where a cursor page ended: the sort it was made for and the last item's key. Opaque to callers. */
interface Cursor {
  s: string;
  o: string;
  k: string | number;
  i: string;
}

const present = (body: Body, field: string) => body[field] !== undefined && body[field] !== null;

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string, sortBy: string, sortOrder: string): Cursor {
  let c: Partial<Cursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    c = undefined;
  }
  if (
    !c ||
    typeof c.i !== 'string' ||
    (typeof c.k !== 'string' && typeof c.k !== 'number') ||
    c.s !== sortBy ||
    c.o !== sortOrder
  )
    throw invalidParameter('NextToken', 'is not a token of this listing (same Filter, SortBy and SortOrder)');
  return c as Cursor;
}

/**
 * Sorts and pages a listing the two ways upstream accepts (UPSTREAM.md §1 "Paging"): a cursor
 * (`MaxResults` + `NextToken`, the default when no paging field is sent, answered without TotalCount) or
 * page numbers (`PageNumber` + `PageSize`, with TotalCount, refused past `maxDepth` items). The cursor is
 * the last item's sort key, so items created or deleted between pages never shift the rest.
 */
function page<T extends Sortable>(
  body: Body,
  items: T[],
  sortable: string[],
  wire: (item: T) => Record<string, unknown>,
  maxDepth: number,
): unknown {
  const cursorMode = present(body, 'NextToken') || present(body, 'MaxResults');
  const pageMode = present(body, 'PageNumber') || present(body, 'PageSize');
  if (cursorMode && pageMode)
    throw new SimVolcError(
      'InvalidParameter',
      'The parameters NextToken/MaxResults and PageNumber/PageSize cannot be used together.',
    );
  const sortBy = optionalString(body, 'SortBy', 32) ?? 'CreateTime';
  if (!sortable.includes(sortBy)) throw invalidParameter('SortBy', `must be one of ${sortable.join(', ')}`);
  const sortOrder = optionalString(body, 'SortOrder', 8) ?? 'Desc';
  if (sortOrder !== 'Desc' && sortOrder !== 'Asc') throw invalidParameter('SortOrder', 'must be Desc or Asc');
  const key = (x: T): string | number =>
    sortBy === 'UpdateTime' ? x.updateTime : sortBy === 'GroupId' ? (x.groupId ?? '') : x.createTime;
  const dir = sortOrder === 'Asc' ? 1 : -1;
  // Ties keep a stable order by ID so paging never repeats or skips an item.
  const compare = (ka: string | number, ia: string, kb: string | number, ib: string): number => {
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return (ia < ib ? -1 : ia > ib ? 1 : 0) * dir;
  };
  items.sort((a, b) => compare(key(a), a.id, key(b), b.id));

  if (pageMode) {
    const pageNumber = intParam(body, 'PageNumber', 1, 1, 1_000_000);
    const pageSize = intParam(body, 'PageSize', 10, 1, 100);
    if (pageNumber * pageSize > maxDepth)
      throw invalidParameter(
        'PageNumber',
        `PageNumber × PageSize must not exceed ${maxDepth}; page deeper lists with NextToken`,
      );
    const start = (pageNumber - 1) * pageSize;
    return {
      Items: items.slice(start, start + pageSize).map(wire),
      TotalCount: items.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
    };
  }
  const maxResults = intParam(body, 'MaxResults', DEFAULT_MAX_RESULTS, 1, 100);
  const token = optionalString(body, 'NextToken', 4096);
  let rest = items;
  if (token !== undefined && token !== '') {
    const c = decodeCursor(token, sortBy, sortOrder);
    rest = items.filter((x) => compare(key(x), x.id, c.k, c.i) > 0);
  }
  const slice = rest.slice(0, maxResults);
  const last = slice[slice.length - 1];
  return {
    Items: slice.map(wire),
    NextToken:
      last !== undefined && rest.length > maxResults
        ? encodeCursor({ s: sortBy, o: sortOrder, k: key(last), i: last.id })
        : '',
  };
}
