/**
 * Request schemas of the video routes. Zod checks each field on its own (types, enums, ranges) so the
 * OpenAPI document shows them; the rules that relate fields to each other (image modes, reference
 * limits, the prompt naming media) live in functions/core/video/rules.ts with their own error codes.
 */
import * as z from 'zod';
import { OUTPUT_FORMATS, RESOLUTIONS } from '../video/models';
import { VIDEO_ID_PATTERN } from '../ids';
import { assetIdSchema, groupIdSchema } from './groups';

export const VIDEO_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'] as const;
/** Every resolution of the model table; which model has which is a rule (rules.ts). */
export const VIDEO_RESOLUTIONS = RESOLUTIONS;
export const VIDEO_OUTPUT_FORMATS = OUTPUT_FORMATS;
/** Largest serialized `metadata` (UTF-8 bytes of its JSON). */
export const MAX_METADATA_BYTES = 2048;
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

const exactlyOne = (m: {
  assetId?: string | undefined;
  url?: string | undefined;
  groupId?: string | undefined;
}) => [m.assetId, m.url, m.groupId].filter((v) => v !== undefined).length === 1;
const exactlyOneMessage = { message: 'give exactly one of assetId or url' };
const exactlyOneOfThree = { message: 'give exactly one of assetId, url or groupId' };

/** A frame image: a library asset (`asset://` upstream) or a public http(s) URL. */
export const mediaRef = z.strictObject(mediaFields).refine(exactlyOne, exactlyOneMessage);

/**
 * A reference image: as a frame, or `{groupId}`, a whole character: the group's Active images, oldest
 * first (functions/core/video/groups.ts).
 */
export const referenceRef = z
  .strictObject({ ...mediaFields, groupId: groupIdSchema.optional() })
  .refine(exactlyOne, exactlyOneOfThree);

/**
 * A video or audio clip, or `{groupId}` (the group's Active clips of that kind); a clip's length, when
 * the caller knows it, counts toward the model's total.
 */
export const timedMediaRef = z
  .strictObject({
    ...mediaFields,
    groupId: groupIdSchema.optional(),
    durationSeconds: z.number().positive().max(30).optional(),
  })
  .refine(exactlyOne, exactlyOneOfThree)
  .refine((m) => m.groupId === undefined || m.durationSeconds === undefined, {
    message: 'durationSeconds describes one clip; leave it out with groupId',
  });

/** Caller's own data, echoed on GET; a flat or nested JSON object of at most 2 KB. */
export const videoMetadata = z
  .record(z.string().max(100), z.json())
  .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= MAX_METADATA_BYTES, {
    message: `must serialize to at most ${MAX_METADATA_BYTES} bytes of JSON`,
  });

/** Arrays are capped generously here only against abuse; the real limits are rules with their own codes. */
const ARRAY_ABUSE_CAP = 50;

export const createVideoBody = z.strictObject({
  prompt: z.string().trim().min(1, 'must not be empty').max(5000),
  references: z.array(referenceRef).max(ARRAY_ABUSE_CAP).optional(),
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
    .refine((v) => v === -1 || (v >= 4 && v <= 30), {
      message: 'must be 4 to 30 seconds (the model sets the upper bound), or -1 to let the model choose',
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
  outputFormat: z
    .enum(VIDEO_OUTPUT_FORMATS, { message: `must be one of ${VIDEO_OUTPUT_FORMATS.join(', ')}` })
    .optional(),
  /** Lets the model search the web for the prompt (upstream `tools: [{type: "web_search"}]`). */
  webSearch: z.boolean().optional(),
  metadata: videoMetadata.optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a model name such as doubao-seedance-2-0-260128')
    .optional(),
});
export type CreateVideoBody = z.infer<typeof createVideoBody>;
export type MediaRef = z.infer<typeof mediaRef>;
export type ReferenceRef = z.infer<typeof referenceRef>;
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
