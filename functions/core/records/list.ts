/**
 * GET /videos over the state table: the filters become the key condition of one index (status →
 * byStatus, otherwise byCreated; the time range bounds the sort key), a group is checked after the key
 * condition, and queries repeat until the page is full. One record more than the page is read, so a
 * cursor is given only when another item exists: a page is full whenever enough items exist and the
 * last page never comes back empty. The cursor is the last item's position, bound to the filters it was
 * made for, base64url so it stays opaque.
 */
import { createHash } from 'node:crypto';
import type { VideoStatus } from '../api-schemas/videos';
import { ApiError } from '../errors';
import { createdKey, statusKey } from './table';
import type { Position, RecordQuery, RecordReader, VideoRecord } from './types';

export interface VideoFilter {
  status?: VideoStatus;
  groupId?: string;
  /** ISO-8601, inclusive. */
  createdAfter?: string;
  createdBefore?: string;
}

export interface VideoPage {
  items: VideoRecord[];
  nextToken?: string;
}

/** A filtered query reads this many records per call, since DynamoDB's Limit counts them before the filter. */
const FILTERED_READ = 100;
/** Bounds one request's work on a very sparse filter; the cursor still resumes exactly. */
const MAX_QUERIES = 25;

const invalidToken = () => new ApiError('InvalidNextToken');

function scopeOf(f: VideoFilter): string {
  const canonical = JSON.stringify([
    f.status ?? '',
    f.groupId ?? '',
    f.createdAfter ?? '',
    f.createdBefore ?? '',
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(filter: VideoFilter, position: Position): string {
  return Buffer.from(JSON.stringify({ s: scopeOf(filter), p: position })).toString('base64url');
}

export function decodeCursor(filter: VideoFilter, token: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const t = parsed as { s?: unknown; p?: unknown };
  if (!t || typeof t !== 'object' || t.s !== scopeOf(filter) || !t.p || typeof t.p !== 'object')
    throw invalidToken();
  const p = t.p as Record<string, unknown>;
  if (!Object.values(p).every((v) => typeof v === 'string')) throw invalidToken();
  return p as Position;
}

function queryFor(f: VideoFilter): Omit<RecordQuery, 'limit' | 'after'> {
  return {
    ...(f.status
      ? { index: 'byStatus', partition: statusKey('video', f.status) }
      : { index: 'byCreated', partition: 'video' }),
    // `createdKey` is `<createdAt>#<id>`: '#' < any ID character and '~' > all of them.
    ...(f.createdAfter ? { from: createdKey(f.createdAfter, '') } : {}),
    ...(f.createdBefore ? { to: createdKey(f.createdBefore, '~') } : {}),
    ...(f.groupId ? { withGroup: f.groupId } : {}),
    newestFirst: true,
  };
}

export async function listVideoRecords(
  store: RecordReader,
  filter: VideoFilter,
  pageSize: number,
  nextToken?: string,
): Promise<VideoPage> {
  let after = nextToken === undefined ? undefined : decodeCursor(filter, nextToken);
  const base = queryFor(filter);
  const found: { record: VideoRecord; position: Position }[] = [];
  for (let i = 0; i < MAX_QUERIES && found.length <= pageSize; i++) {
    const wanted = pageSize + 1 - found.length;
    const page = await store.query({
      ...base,
      limit: base.withGroup ? Math.max(FILTERED_READ, wanted) : wanted,
      ...(after ? { after } : {}),
    });
    for (const item of page.items)
      if (item.record.kind === 'video') found.push(item as (typeof found)[number]);
    if (!page.next) {
      after = undefined;
      break;
    }
    after = page.next;
  }
  if (found.length > pageSize) {
    const items = found.slice(0, pageSize);
    const last = items.at(-1) as (typeof found)[number];
    return { items: items.map((i) => i.record), nextToken: encodeCursor(filter, last.position) };
  }
  // Out of queries before the page filled: resume from where the reading stopped.
  return {
    items: found.map((i) => i.record),
    ...(after ? { nextToken: encodeCursor(filter, after) } : {}),
  };
}
