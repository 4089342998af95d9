/**
 * Request and answer schemas of the webhook routes (POST/GET/DELETE /webhooks…). An endpoint receives
 * the event types it lists (none listed: every type); its `whsec_` secret is in the answer of POST
 * /webhooks and of rotate-secret only.
 */
import * as z from 'zod';
import { EVENT_TYPES, type EventType } from '../events/catalogue';
import { WEBHOOK_ID_PATTERN } from '../ids';

export const webhookIdSchema = z.string().regex(WEBHOOK_ID_PATTERN, 'must be a webhook ID (wh-...)');
export const webhookPathSchema = z.object({ webhookId: webhookIdSchema });

const eventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
const EVENT_ID = /^evt_[0-9a-f]{32}$/;

export const createWebhookBody = z.strictObject({
  url: z.string().max(2048).describe('https URL of a public address (checked again before every attempt)'),
  events: z
    .array(eventTypeSchema)
    .min(1)
    .max(EVENT_TYPES.length)
    .optional()
    .describe('Event types to receive; omitted = every type'),
  description: z.string().trim().max(200).optional(),
});

export const listWebhooksQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
  nextToken: z.string().max(2048).optional(),
});

export const replayWebhookBody = z
  .strictObject({
    eventIds: z.array(z.string().regex(EVENT_ID, 'must be an event ID (evt_...)')).min(1).max(100).optional(),
    from: z.iso.datetime().optional().describe('Events that happened at or after this instant'),
    to: z.iso.datetime().optional().describe('… and at or before this one (default now)'),
  })
  .refine((b) => (b.eventIds !== undefined) !== (b.from !== undefined), {
    message: 'give either eventIds or from (with an optional to)',
  })
  .refine((b) => b.eventIds === undefined || b.to === undefined, {
    message: 'to goes with from, not with eventIds',
  });

export const webhookResponse = z.object({
  id: webhookIdSchema,
  url: z.string(),
  events: z.array(eventTypeSchema).optional(),
  description: z.string().optional(),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const createdWebhookResponse = webhookResponse.extend({
  secret: z.string().describe('The whsec_ signing secret: shown here once, never again'),
});
export const webhookPageResponse = z.object({
  items: z.array(webhookResponse),
  nextToken: z.string().optional(),
});
export const rotatedSecretResponse = z.object({
  secret: z.string().describe('The new whsec_ secret, shown once'),
  previousSecretExpiresAt: z
    .string()
    .describe('Until then deliveries carry both signatures, so receivers can switch without a gap'),
});
export const replayResponse = z.object({
  replayed: z.number().int().describe('Deliveries started again, with their original webhook-id'),
  eventIds: z.array(z.string()),
});
