/**
 * The contract of each event type as a schema: the zod source here, the JSON Schema files in
 * schemas/events/ generated from it (`npm run event-schemas`; a test keeps them in step), and every
 * event the stack publishes validated against those files in test/local/events.test.ts.
 */
import * as z from 'zod';
import { EVENT_TYPES, UPLOAD_EVENT_TYPES, VIDEO_EVENT_TYPES, type EventType } from './catalogue';

/** The record status each type stands for (`upload.created` is `awaiting_upload`). */
function statusOf(type: EventType): { kind: 'upload' | 'video'; status: string } {
  for (const [status, t] of Object.entries(UPLOAD_EVENT_TYPES))
    if (t === type) return { kind: 'upload', status };
  for (const [status, t] of Object.entries(VIDEO_EVENT_TYPES))
    if (t === type) return { kind: 'video', status };
  throw new RangeError(`unknown event type ${type}`);
}

const dataSchema = (type: EventType) => {
  const { kind, status } = statusOf(type);
  const needsError = ['rejected', 'failed', 'expired', 'timed_out'].includes(status);
  const error = z.object({ code: z.string().min(1) }).strict();
  return z
    .object({
      kind: z.literal(kind),
      id: z.string().min(1),
      status: z.literal(status),
      groupId: kind === 'upload' ? z.string().min(1) : z.string().min(1).optional(),
      taskId: z.string().min(1).optional(),
      assetId: z.string().min(1).optional(),
      error: needsError ? error : error.optional(),
      ...(kind === 'video'
        ? {
            metadata: z
              .record(z.string(), z.unknown())
              .optional()
              .meta({ description: "The caller's metadata of POST /videos, as given" }),
          }
        : {}),
      links: z.object({ self: z.string().startsWith('/') }).strict(),
    })
    .strict();
};

export function eventSchema(type: EventType) {
  return z
    .object({
      id: z.string().regex(/^evt_[0-9a-f]{32}$/),
      type: z.literal(type),
      time: z.iso.datetime(),
      data: dataSchema(type),
    })
    .strict()
    .meta({ title: type, description: `seedance-stack event ${type} (EventBridge detail and webhook body)` });
}

export function eventJsonSchemas(): Record<EventType, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((t) => [t, z.toJSONSchema(eventSchema(t), { target: 'draft-2020-12' })]),
  ) as Record<EventType, unknown>;
}
