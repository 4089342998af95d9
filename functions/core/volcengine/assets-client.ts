/**
 * Client for the ten Volcengine Ark asset-library actions. Hand-written (no SDK) because the official
 * Node SDK has no asset-library service and would pull axios into every Lambda. Every call: POST
 * `/?Action=X&Version=2024-01-01`, PascalCase JSON with ProjectName, signed per call with credentials
 * resolved per call (so a rotated secret is picked up), one timeout, errors as UpstreamError.
 */
import { AUTHORIZATION_LETTER_HINT, UpstreamError, hintFor } from '../errors';
import { httpJson, isRecord, malformed, requestIdFromHeaders, scrubMessage, unexpected } from '../http';
import type { FetchFn, HttpAnswer } from '../http';
import { signRequestParts } from './signer';
import type {
  Asset,
  AssetFilter,
  AssetGroup,
  AssetStatus,
  AssetType,
  CreateAssetInput,
  CursorPage,
  CursorQuery,
  GroupFilter,
  ListAssetGroupsQuery,
  ListAssetsQuery,
  Page,
  ScanAssetGroupsQuery,
  ScanAssetsQuery,
  VolcCredentials,
} from './types';

export const API_VERSION = '2024-01-01';
export const GROUP_TYPE = 'AIGC';
/** Largest page the service accepts [seen]; the iterators use it to keep call counts down. */
export const MAX_PAGE_SIZE = 100;

/**
 * Codes of the error table by CodeN, for an error that carries only the number (UPSTREAM.md §1):
 * classification goes by code, so a bare 100027 must still read as AccountFlowLimitExceeded.
 */
export const CODE_BY_CODEN: Readonly<Record<number, string>> = {
  100002: 'MissingParameter',
  100006: 'InvalidTimestamp',
  100008: 'InvalidActionOrVersion',
  100009: 'InvalidAccessKey',
  100010: 'SignatureDoesNotMatch',
  100013: 'AccessDenied',
  100014: 'InternalError',
  100018: 'FlowLimitExceeded',
  100027: 'AccountFlowLimitExceeded',
};

export type AssetAction =
  | 'CreateAssetGroup'
  | 'CreateAsset'
  | 'GetAsset'
  | 'GetAssetGroup'
  | 'ListAssetGroups'
  | 'ListAssets'
  | 'UpdateAsset'
  | 'UpdateAssetGroup'
  | 'DeleteAsset'
  | 'DeleteAssetGroup';

export interface AssetsClientOptions {
  /** `https://open.volcengineapi.com` or `https://ark.cn-beijing.volcengineapi.com` (or the simulator). */
  endpoint: string;
  region: string;
  projectName: string;
  credentials: VolcCredentials | (() => Promise<VolcCredentials>);
  timeoutMs?: number;
  fetch?: FetchFn;
  /** Signing service name. */
  service?: 'ark';
}

type Wire = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;

const ASSET_STATUSES: readonly AssetStatus[] = ['Processing', 'Active', 'Failed'];
const ASSET_TYPES: readonly AssetType[] = ['Image', 'Video', 'Audio'];

export function toAssetGroup(w: Wire): AssetGroup {
  const group: AssetGroup = {
    id: str(w.Id),
    name: str(w.Name),
    description: str(w.Description),
    groupType: str(w.GroupType) || GROUP_TYPE,
    projectName: str(w.ProjectName),
    createTime: str(w.CreateTime),
    updateTime: str(w.UpdateTime),
  };
  const title = optStr(w.Title);
  if (title !== undefined) group.title = title;
  return group;
}

export function toAsset(w: Wire): Asset {
  const status = ASSET_STATUSES.find((s) => s === w.Status);
  const assetType = ASSET_TYPES.find((t) => t === w.AssetType);
  const asset: Asset = {
    id: str(w.Id),
    name: str(w.Name),
    groupId: str(w.GroupId),
    assetType: assetType ?? 'Image',
    // The service documents three statuses; anything else is treated as still processing, which the
    // poll loop bounds with its deadline.
    status: status ?? 'Processing',
    projectName: str(w.ProjectName),
    createTime: str(w.CreateTime),
    updateTime: str(w.UpdateTime),
  };
  const url = optStr(w.URL);
  if (url) asset.url = url;
  if (w.Moderation !== undefined && w.Moderation !== null) asset.moderation = w.Moderation;
  if (isRecord(w.Error) && (w.Error.Code || w.Error.Message))
    asset.error = { code: str(w.Error.Code), message: str(w.Error.Message) };
  return asset;
}

function toPage<T>(
  result: Wire,
  map: (w: Wire) => T,
  asked: { pageNumber: number; pageSize: number },
): Page<T> {
  const items = Array.isArray(result.Items) ? result.Items.filter(isRecord).map(map) : [];
  return {
    items,
    totalCount: num(result.TotalCount, items.length),
    pageNumber: num(result.PageNumber, asked.pageNumber),
    pageSize: num(result.PageSize, asked.pageSize),
  };
}

function toCursorPage<T>(result: Wire, map: (w: Wire) => T): CursorPage<T> {
  const items = Array.isArray(result.Items) ? result.Items.filter(isRecord).map(map) : [];
  const nextToken = optStr(result.NextToken);
  return nextToken ? { items, nextToken } : { items };
}

const groupFilter = (f: GroupFilter | undefined): Wire =>
  dropUndefined({ GroupIds: f?.groupIds, GroupType: f?.groupType ?? GROUP_TYPE, Name: f?.name });

const assetFilter = (f: AssetFilter | undefined): Wire =>
  dropUndefined({ ...groupFilter(f), Statuses: f?.statuses });

/** MaxResults always (1–100), NextToken only after the first page: cursor and page numbers never mix. */
function cursorParams(q: CursorQuery): Wire {
  const max = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(q.maxResults ?? MAX_PAGE_SIZE)));
  return { MaxResults: max, NextToken: q.nextToken || undefined, SortBy: q.sortBy, SortOrder: q.sortOrder };
}

function dropUndefined(o: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** Codes with which CreateAssetGroup fails before the one-time authorization letter is signed. */
const LETTER_CODES = /^(AccessDenied|Forbidden|OperationDenied|SubscriptionRequired)/;

export class AssetsClient {
  private readonly endpoint: URL;
  private readonly timeoutMs: number;
  private readonly service: string;

  constructor(private readonly opts: AssetsClientOptions) {
    this.endpoint = new URL(opts.endpoint);
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.service = opts.service ?? 'ark';
  }

  get projectName(): string {
    return this.opts.projectName;
  }

  async createAssetGroup(input: { name: string; description?: string }): Promise<{ id: string }> {
    try {
      const r = await this.call('CreateAssetGroup', {
        Name: input.name,
        Description: input.description,
        GroupType: GROUP_TYPE,
      });
      return { id: this.requireId('CreateAssetGroup', r) };
    } catch (e) {
      throw await this.withLetterHint(e);
    }
  }

  async createAsset(input: CreateAssetInput): Promise<{ id: string }> {
    const r = await this.call('CreateAsset', {
      GroupId: input.groupId,
      URL: input.url,
      AssetType: input.assetType,
      Name: input.name,
      Moderation: input.moderation ? { Strategy: input.moderation.strategy } : undefined,
    });
    return { id: this.requireId('CreateAsset', r) };
  }

  async getAsset(id: string): Promise<Asset> {
    const r = await this.call('GetAsset', { Id: id });
    this.requireId('GetAsset', r);
    return toAsset(r.result);
  }

  async getAssetGroup(id: string): Promise<AssetGroup> {
    const r = await this.call('GetAssetGroup', { Id: id });
    this.requireId('GetAssetGroup', r);
    return toAssetGroup(r.result);
  }

  /** One numbered page (the REST API's page numbers); scans use the cursor (`iterateAssetGroups`). */
  async listAssetGroups(q: ListAssetGroupsQuery = {}): Promise<Page<AssetGroup>> {
    const asked = { pageNumber: q.pageNumber ?? 1, pageSize: q.pageSize ?? 20 };
    const r = await this.call('ListAssetGroups', {
      Filter: groupFilter(q.filter),
      PageNumber: asked.pageNumber,
      PageSize: asked.pageSize,
      SortBy: q.sortBy,
      SortOrder: q.sortOrder,
    });
    return toPage(r.result, toAssetGroup, asked);
  }

  /** One numbered page of assets (the REST API's page numbers); scans use `iterateAssets`. */
  async listAssets(q: ListAssetsQuery = {}): Promise<Page<Asset>> {
    const asked = { pageNumber: q.pageNumber ?? 1, pageSize: q.pageSize ?? 20 };
    const r = await this.call('ListAssets', {
      Filter: assetFilter(q.filter),
      PageNumber: asked.pageNumber,
      PageSize: asked.pageSize,
      SortBy: q.sortBy,
      SortOrder: q.sortOrder,
    });
    return toPage(r.result, toAsset, asked);
  }

  /** One cursor page of groups: `MaxResults` + the previous page's `NextToken`. */
  async listAssetGroupsByCursor(q: ScanAssetGroupsQuery = {}): Promise<CursorPage<AssetGroup>> {
    const r = await this.call('ListAssetGroups', { Filter: groupFilter(q.filter), ...cursorParams(q) });
    return toCursorPage(r.result, toAssetGroup);
  }

  /** One cursor page of assets: `MaxResults` + the previous page's `NextToken`. */
  async listAssetsByCursor(q: ScanAssetsQuery = {}): Promise<CursorPage<Asset>> {
    const r = await this.call('ListAssets', { Filter: assetFilter(q.filter), ...cursorParams(q) });
    return toCursorPage(r.result, toAsset);
  }

  /** Every group matching the query, page by page with the cursor (no deep-page limit). */
  iterateAssetGroups(q: ScanAssetGroupsQuery = {}): AsyncIterable<AssetGroup> {
    return this.iterate(q, (page) => this.listAssetGroupsByCursor(page));
  }

  /** Every asset matching the query, page by page with the cursor (no deep-page limit). */
  iterateAssets(q: ScanAssetsQuery = {}): AsyncIterable<Asset> {
    return this.iterate(q, (page) => this.listAssetsByCursor(page));
  }

  async updateAsset(input: { id: string; name: string }): Promise<{ id: string }> {
    const r = await this.call('UpdateAsset', { Id: input.id, Name: input.name });
    return { id: optStr(r.result.Id) ?? input.id };
  }

  async updateAssetGroup(input: { id: string; name: string; description?: string }): Promise<{ id: string }> {
    const r = await this.call('UpdateAssetGroup', {
      Id: input.id,
      Name: input.name,
      Description: input.description,
    });
    return { id: optStr(r.result.Id) ?? input.id };
  }

  async deleteAsset(id: string): Promise<void> {
    await this.call('DeleteAsset', { Id: id });
  }

  async deleteAssetGroup(id: string): Promise<void> {
    await this.call('DeleteAssetGroup', { Id: id });
  }

  private async *iterate<Q extends CursorQuery, T>(
    q: Q,
    list: (q: Q) => Promise<CursorPage<T>>,
  ): AsyncGenerator<T> {
    const sent = new Set<string>();
    let nextToken = q.nextToken;
    for (;;) {
      const page = await list({ ...q, maxResults: q.maxResults ?? MAX_PAGE_SIZE, nextToken });
      for (const item of page.items) yield item;
      // The end is an absent or empty NextToken; a token we already sent means a service that ignores
      // the cursor, which must not loop us forever.
      if (!page.nextToken || sent.has(page.nextToken)) return;
      if (nextToken) sent.add(nextToken);
      sent.add(page.nextToken);
      nextToken = page.nextToken;
    }
  }

  private async credentials(): Promise<VolcCredentials> {
    const c = this.opts.credentials;
    return typeof c === 'function' ? c() : c;
  }

  private requireId(action: AssetAction, r: { result: Wire; answer: HttpAnswer }): string {
    const id = optStr(r.result.Id);
    if (!id) throw malformed({ service: 'volcengine', operation: action }, r.answer, 'a Result without Id');
    return id;
  }

  /** Sends one signed action; returns `Result` (an empty object when the action has none). */
  async call(action: AssetAction, params: Wire): Promise<{ result: Wire; answer: HttpAnswer }> {
    const creds = await this.credentials();
    const body = JSON.stringify(dropUndefined({ ...params, ProjectName: this.opts.projectName }));
    const query = { Action: action, Version: API_VERSION };
    const url = new URL(this.endpoint.href);
    url.pathname = '/';
    url.search = `?Action=${encodeURIComponent(action)}&Version=${API_VERSION}`;
    const signed = signRequestParts({
      method: 'POST',
      path: '/',
      query,
      headers: { 'Content-Type': 'application/json', Host: url.host },
      body,
      credentials: creds,
      region: this.opts.region,
      service: this.service,
    });
    // fetch derives Host from the URL (the value we signed); sending it ourselves is not allowed.
    const { Host: _host, ...headers } = signed.headers;
    const call = { service: 'volcengine' as const, operation: action };
    const answer = await httpJson({
      ...call,
      url: url.href,
      method: 'POST',
      headers: { ...headers, Accept: 'application/json' },
      body,
      timeoutMs: this.timeoutMs,
      fetch: this.opts.fetch,
    });
    const secrets = [creds.secretAccessKey, creds.sessionToken, signed.signature];
    if (answer.notJson)
      throw answer.ok ? malformed(call, answer, 'a body that is not JSON') : unexpected(call, answer);
    const envelope = isRecord(answer.json) ? answer.json : undefined;
    const meta = envelope && isRecord(envelope.ResponseMetadata) ? envelope.ResponseMetadata : undefined;
    const requestId = optStr(meta?.RequestId) ?? requestIdFromHeaders(answer.headers);
    const err = meta && isRecord(meta.Error) ? meta.Error : undefined;
    // A 2xx carrying ResponseMetadata.Error is an error, never a success: integrators have received
    // AccountFlowLimitExceeded inside an HTTP 200. Only an empty Error object on a 2xx is ignored.
    if (err && (err.Code || err.CodeN || err.Message || !answer.ok)) {
      const codeN = typeof err.CodeN === 'number' ? err.CodeN : undefined;
      const code =
        str(err.Code) || (codeN !== undefined ? CODE_BY_CODEN[codeN] : undefined) || 'UnknownError';
      const message = scrubMessage(str(err.Message) || `${action} failed with ${code}`, secrets);
      throw new UpstreamError({
        service: 'volcengine',
        code,
        codeN,
        status: answer.status,
        requestId,
        operation: action,
        message,
      });
    }
    if (!answer.ok) throw unexpected(call, answer);
    if (!envelope) throw malformed(call, answer, 'an empty body');
    const result = envelope.Result;
    if (result === undefined || result === null) return { result: {}, answer };
    if (!isRecord(result)) throw malformed(call, answer, 'a Result that is not an object');
    return { result, answer };
  }

  /**
   * The first group on an account fails until the authorization letter is signed in the console, and the
   * service says so only as a permission error (or, [seen], an InvalidParameter on an account with no
   * groups). Permission errors always get the hint; an InvalidParameter gets it only when the account
   * really has no group yet (one extra List call on an already-failed path).
   */
  private async withLetterHint(e: unknown): Promise<unknown> {
    if (!(e instanceof UpstreamError) || e.service !== 'volcengine') return e;
    let letter = LETTER_CODES.test(e.code) || e.status === 403;
    if (!letter && e.code.startsWith('InvalidParameter')) {
      try {
        const page = await this.listAssetGroupsByCursor({ maxResults: 1 });
        letter = page.items.length === 0 && !page.nextToken;
      } catch {
        letter = false;
      }
    }
    if (!letter) return e;
    const base = hintFor('volcengine', e.code, e.status, e.message);
    return new UpstreamError({
      service: e.service,
      code: e.code,
      status: e.status,
      requestId: e.requestId,
      codeN: e.codeN,
      operation: e.operation,
      message: e.message,
      hint: base ? `${AUTHORIZATION_LETTER_HINT} Otherwise: ${base}` : AUTHORIZATION_LETTER_HINT,
    });
  }
}
