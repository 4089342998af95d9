/**
 * Request schemas of the video routes. Zod checks each field on its own (types, enums, ranges) so the
 * OpenAPI document shows them; the rules that relate fields to each other (image modes, reference
 * limits, the prompt naming media) live in functions/core/video/rules.ts with their own error codes.
 */
import * as z from 'zod';
import { VIDEO_ID_PATTERN } from '../ids';
import { assetIdSchema, groupIdSchema } from './groups';

export const VIDEO_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'] as const;
export const VIDEO_RESOLUTIONS = ['480p', '720p', '1080p'] as const;
export const VIDEO_STATUSES = [
  'queued',
  'running',
  'saving',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
  'timed_out',
] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** Upper bound of `seed` (2^32 - 1). */
export const MAX_SEED = 4_294_967_295;

const httpUrl = z
  .string()
  .max(4096)
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v), {
    message: 'must be an http(s) URL; for a library asset pass {"assetId": "asset-..."} instead',
  });

const mediaFields = {
  assetId: assetIdSchema.optional(),
  url: httpUrl.optional(),
};

const exactlyOne = (m: { assetId?: string | undefined; url?: string | undefined }) =>
  (m.assetId === undefined) !== (m.url === undefined);
const exactlyOneMessage = { message: 'give exactly one of assetId or url' };

/** An image: a library asset (`asset://` upstream) or a public http(s) URL. */
export const mediaRef = z.strictObject(mediaFields).refine(exactlyOne, exactlyOneMessage);

/** A video or audio clip; its length (when the caller knows it) counts toward the 15 s total. */
export const timedMediaRef = z
  .strictObject({ ...mediaFields, durationSeconds: z.number().positive().max(15).optional() })
  .refine(exactlyOne, exactlyOneMessage);

/** Arrays are capped generously here only against abuse; the real limits are rules with their own codes. */
const ARRAY_ABUSE_CAP = 50;

export const createVideoBody = z.strictObject({
  prompt: z.string().trim().min(1, 'must not be empty').max(5000),
  references: z.array(mediaRef).max(ARRAY_ABUSE_CAP).optional(),
  firstFrame: mediaRef.optional(),
  lastFrame: mediaRef.optional(),
  referenceVideos: z.array(timedMediaRef).max(ARRAY_ABUSE_CAP).optional(),
  referenceAudios: z.array(timedMediaRef).max(ARRAY_ABUSE_CAP).optional(),
  ratio: z.enum(VIDEO_RATIOS, { message: `must be one of ${VIDEO_RATIOS.join(', ')}` }).optional(),
  resolution: z
    .enum(VIDEO_RESOLUTIONS, { message: `must be one of ${VIDEO_RESOLUTIONS.join(', ')}` })
    .optional(),
  duration: z
    .number()
    .int('must be a whole number of seconds')
    .refine((v) => v === -1 || (v >= 4 && v <= 15), {
      message: 'must be 4 to 15 seconds, or -1 to let the model choose',
    })
    .optional(),
  seed: z
    .number()
    .int('must be an integer')
    .min(-1, `must be -1 (random) or 0 to ${MAX_SEED}`)
    .max(MAX_SEED, `must be -1 (random) or 0 to ${MAX_SEED}`)
    .optional(),
  generateAudio: z.boolean().optional(),
  watermark: z.boolean().optional(),
  returnLastFrame: z.boolean().optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a model name such as doubao-seedance-2-0-260128')
    .optional(),
});
export type CreateVideoBody = z.infer<typeof createVideoBody>;
export type MediaRef = z.infer<typeof mediaRef>;
export type TimedMediaRef = z.infer<typeof timedMediaRef>;

export const videoIdSchema = z.string().regex(VIDEO_ID_PATTERN, 'must be a video ID (vid-...)');
export const videoPathSchema = z.object({ videoId: videoIdSchema });

const isoInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00Z' })
  .transform((v) => new Date(v).toISOString());

export const listVideosQuery = z.object({
  status: z.enum(VIDEO_STATUSES, { message: `must be one of ${VIDEO_STATUSES.join(', ')}` }).optional(),
  groupId: groupIdSchema.optional(),
  /** Inclusive bounds on the creation time. */
  createdAfter: isoInstant.optional(),
  createdBefore: isoInstant.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  nextToken: z.string().min(1).max(4096).optional(),
});
export type ListVideosQuery = z.infer<typeof listVideosQuery>;

export const videoSchemas = {
  createVideo: { body: createVideoBody },
  listVideos: { query: listVideosQuery },
  getVideo: { path: videoPathSchema },
  cancelVideo: { path: videoPathSchema },
};
