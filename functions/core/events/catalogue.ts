/**
 * Our events: one per upload and video transition, published on the stack's custom EventBridge bus
 * (source `seedance-stack`, detail-type = the event type) after the record's conditional write
 * succeeded. Thin: IDs, status, the error code, and the link to GET for the rest. One JSON schema per
 * type in schemas/events/ (test/unit/events.test.ts checks emitted events against them).
 *
 * Delivery: at least once per transition. The writer reads the record, and only when the status
 * changes appends the event to the record's outbox in the same conditional write (so a step that
 * re-writes its status, each poll, a retry, publishes nothing new); the publisher and its sweep put
 * every outbox event on the bus (functions/shared/event-outbox.ts). The event ID is a hash of
 * (kind, job ID, status): any re-publish carries the same ID, which the webhook layer uses as
 * `webhook-id`, so a receiver that dedupes on it sees each transition once.
 */
import { createHash } from 'node:crypto';

export const EVENT_SOURCE = 'seedance-stack';

export const UPLOAD_EVENT_TYPES = {
  awaiting_upload: 'upload.created',
  validating: 'upload.validating',
  /** Waiting for the account's CreateAsset budget (the governor); the record holds its place. */
  queued: 'upload.queued',
  ingesting: 'upload.ingesting',
  active: 'upload.active',
  rejected: 'upload.rejected',
  failed: 'upload.failed',
  /** Waited longer than queueMaxWaitSeconds for budget (QueueExpired). */
  expired: 'upload.expired',
} as const;

export const VIDEO_EVENT_TYPES = {
  queued: 'video.queued',
  running: 'video.running',
  saving: 'video.saving',
  succeeded: 'video.succeeded',
  failed: 'video.failed',
  expired: 'video.expired',
  cancelled: 'video.cancelled',
  timed_out: 'video.timed_out',
} as const;

export type EventType =
  | (typeof UPLOAD_EVENT_TYPES)[keyof typeof UPLOAD_EVENT_TYPES]
  | (typeof VIDEO_EVENT_TYPES)[keyof typeof VIDEO_EVENT_TYPES];

export const EVENT_TYPES: readonly EventType[] = [
  ...Object.values(UPLOAD_EVENT_TYPES),
  ...Object.values(VIDEO_EVENT_TYPES),
];

export interface EventData {
  kind: 'upload' | 'video';
  id: string;
  status: string;
  groupId?: string;
  taskId?: string;
  assetId?: string;
  error?: { code: string };
  /** The caller's `metadata` of the job (POST /videos), as given. */
  metadata?: Record<string, unknown>;
  /** Path of the GET that tells the rest (relative to the API's base URL). */
  links: { self: string };
}

/** The event as published in the EventBridge detail, and as a webhook body. */
export interface StackEvent {
  /** `evt_` + 32 hex: stable for (kind, job ID, status). */
  id: string;
  type: EventType;
  /** ISO-8601 of the transition. */
  time: string;
  data: EventData;
}

export function eventId(kind: string, id: string, status: string): string {
  return `evt_${createHash('sha256').update(`${kind}\n${id}\n${status}`).digest('hex').slice(0, 32)}`;
}

export function eventTypeOf(kind: 'upload' | 'video', status: string): EventType | undefined {
  const table: Record<string, EventType> = kind === 'upload' ? UPLOAD_EVENT_TYPES : VIDEO_EVENT_TYPES;
  return table[status];
}
