/**
 * Events from record writes: a created record (the POST) and an accepted change that moved the
 * status. Pure: the adapter (functions/shared/event-records.ts) publishes what this returns.
 */
import type { JobRecord, RecordChange } from '../records/types';
import { eventId, eventTypeOf, type EventData, type StackEvent } from './catalogue';

function selfLink(kind: 'upload' | 'video', id: string, groupId: string | undefined): string {
  if (kind === 'video') return `/videos/${id}`;
  return `/groups/${groupId ?? ''}/uploads/${id}`;
}

function build(
  kind: 'upload' | 'video',
  id: string,
  status: string,
  at: string,
  fields: Record<string, unknown>,
): StackEvent | undefined {
  const type = eventTypeOf(kind, status);
  if (!type) return undefined;
  const str = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : undefined);
  const groupId = str('groupId');
  const error = fields.error as { code?: unknown } | undefined;
  const metadata = fields.metadata;
  const data: EventData = {
    kind,
    id,
    status,
    ...(groupId ? { groupId } : {}),
    ...(str('taskId') ? { taskId: str('taskId') } : {}),
    ...(str('assetId') ? { assetId: str('assetId') } : {}),
    ...(error && typeof error.code === 'string' ? { error: { code: error.code } } : {}),
    ...(metadata && typeof metadata === 'object' && !Array.isArray(metadata)
      ? { metadata: metadata as Record<string, unknown> }
      : {}),
    links: { self: selfLink(kind, id, groupId) },
  };
  return { id: eventId(kind, id, status), type, time: at, data };
}

export function eventForCreate(r: JobRecord): StackEvent | undefined {
  return build(r.kind, r.id, r.status, r.createdAt, r as unknown as Record<string, unknown>);
}

/**
 * The event of an accepted change, unless it left the status as it was. `known` is what the record
 * held before (the fields the change did not set: groupId, taskId).
 */
export function eventForChange(
  change: RecordChange,
  previousStatus: string | undefined,
  known: Record<string, unknown> = {},
): StackEvent | undefined {
  if (previousStatus === change.status) return undefined;
  return build(change.kind, change.id, change.status, change.at.toISOString(), {
    ...known,
    ...change.setIfMissing,
    ...change.set,
  });
}
