/**
 * Request and answer schemas of the webhook routes (POST/GET/DELETE /webhooks…). An endpoint receives
 * the event types it lists (none listed: every type); its `whsec_` secret is in the answer of POST
 * /webhooks and of rotate-secret only.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { EVENT_TYPES, type EventType } from '../events/catalogue';
import { WEBHOOK_ID_PATTERN } from '../ids';

export const webhookIdSchema = z.string().check(z.regex(WEBHOOK_ID_PATTERN, 'must be a webhook ID (wh-...)'));
export const webhookPathSchema = z.object({ webhookId: webhookIdSchema });

const eventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
const EVENT_ID = /^evt_[0-9a-f]{32}$/;

export const createWebhookBody = z.strictObject({
  url: z
    .string()
    .check(
      z.maxLength(2048),
      z.describe('https URL of a public address (checked again before every attempt)'),
    ),
  events: z
    .optional(z.array(eventTypeSchema).check(z.minLength(1), z.maxLength(EVENT_TYPES.length)))
    .check(z.describe('Event types to receive; omitted = every type')),
  description: z.optional(z.string().check(z.trim(), z.maxLength(200))),
});

export const listWebhooksQuery = z.object({
  pageSize: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
  nextToken: z.optional(z.string().check(z.maxLength(2048))),
});

export const replayWebhookBody = z
  .strictObject({
    eventIds: z.optional(
      z
        .array(z.string().check(z.regex(EVENT_ID, 'must be an event ID (evt_...)')))
        .check(z.minLength(1), z.maxLength(100)),
    ),
    from: z.optional(z.iso.datetime()).check(z.describe('Events that happened at or after this instant')),
    to: z.optional(z.iso.datetime()).check(z.describe('… and at or before this one (default now)')),
  })
  .check(
    z.refine((b) => (b.eventIds !== undefined) !== (b.from !== undefined), {
      message: 'give either eventIds or from (with an optional to)',
    }),
    z.refine((b) => b.eventIds === undefined || b.to === undefined, {
      message: 'to goes with from, not with eventIds',
    }),
  );

export const webhookResponse = z.object({
  id: webhookIdSchema,
  url: z.string(),
  events: z.optional(z.array(eventTypeSchema)),
  description: z.optional(z.string()),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const createdWebhookResponse = z.extend(webhookResponse, {
  secret: z.string().check(z.describe('The whsec_ signing secret: shown here once, never again')),
});
export const webhookPageResponse = z.object({
  items: z.array(webhookResponse),
  nextToken: z.optional(z.string()),
});
export const rotatedSecretResponse = z.object({
  secret: z.string().check(z.describe('The new whsec_ secret, shown once')),
  previousSecretExpiresAt: z
    .string()
    .check(z.describe('Until then deliveries carry both signatures, so receivers can switch without a gap')),
});
export const replayResponse = z.object({
  replayed: z.number().check(z.int(), z.describe('Deliveries started again, with their original webhook-id')),
  eventIds: z.array(z.string()),
});
