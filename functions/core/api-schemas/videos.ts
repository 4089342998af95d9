/**
 * Request schemas of the video routes. Zod checks each field on its own (types, enums, ranges) so the
 * OpenAPI document shows them; the rules that relate fields to each other (image modes, reference
 * limits, the prompt naming media) live in functions/core/video/rules.ts with their own error codes.
 */
import * as z from 'zod/mini';
import '../zod-messages';
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

const httpUrl = z.string().check(
  z.maxLength(4096),
  z.refine((v) => /^https?:\/\/[^\s]+$/i.test(v), {
    message: 'must be an http(s) URL; for a library asset pass {"assetId": "asset-..."} instead',
  }),
);

const mediaFields = {
  assetId: z.optional(assetIdSchema),
  url: z.optional(httpUrl),
};

const exactlyOne = (m: {
  assetId?: string | undefined;
  url?: string | undefined;
  groupId?: string | undefined;
}) => [m.assetId, m.url, m.groupId].filter((v) => v !== undefined).length === 1;
const exactlyOneMessage = { message: 'give exactly one of assetId or url' };
const exactlyOneOfThree = { message: 'give exactly one of assetId, url or groupId' };

/** A frame image: a library asset (`asset://` upstream) or a public http(s) URL. */
export const mediaRef = z.strictObject(mediaFields).check(z.refine(exactlyOne, exactlyOneMessage));

/**
 * A reference image: as a frame, or `{groupId}`, a whole character: the group's Active images, oldest
 * first (functions/core/video/groups.ts).
 */
export const referenceRef = z
  .strictObject({ ...mediaFields, groupId: z.optional(groupIdSchema) })
  .check(z.refine(exactlyOne, exactlyOneOfThree));

/**
 * A video or audio clip, or `{groupId}` (the group's Active clips of that kind); a clip's length, when
 * the caller knows it, counts toward the model's total.
 */
export const timedMediaRef = z
  .strictObject({
    ...mediaFields,
    groupId: z.optional(groupIdSchema),
    durationSeconds: z.optional(z.number().check(z.positive(), z.lte(30))),
  })
  .check(
    z.refine(exactlyOne, exactlyOneOfThree),
    z.refine((m) => m.groupId === undefined || m.durationSeconds === undefined, {
      message: 'durationSeconds describes one clip; leave it out with groupId',
    }),
  );

/** Caller's own data, echoed on GET; a flat or nested JSON object of at most 2 KB. */
export const videoMetadata = z.record(z.string().check(z.maxLength(100)), z.json()).check(
  z.refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= MAX_METADATA_BYTES, {
    message: `must serialize to at most ${MAX_METADATA_BYTES} bytes of JSON`,
  }),
);

/** Arrays are capped generously here only against abuse; the real limits are rules with their own codes. */
const ARRAY_ABUSE_CAP = 50;

const seedMessage = `must be -1 (random) or 0 to ${MAX_SEED}`;

export const createVideoBody = z.strictObject({
  prompt: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(5000)),
  references: z.optional(z.array(referenceRef).check(z.maxLength(ARRAY_ABUSE_CAP))),
  firstFrame: z.optional(mediaRef),
  lastFrame: z.optional(mediaRef),
  referenceVideos: z.optional(z.array(timedMediaRef).check(z.maxLength(ARRAY_ABUSE_CAP))),
  referenceAudios: z.optional(z.array(timedMediaRef).check(z.maxLength(ARRAY_ABUSE_CAP))),
  ratio: z.optional(z.enum(VIDEO_RATIOS, { message: `must be one of ${VIDEO_RATIOS.join(', ')}` })),
  resolution: z.optional(
    z.enum(VIDEO_RESOLUTIONS, { message: `must be one of ${VIDEO_RESOLUTIONS.join(', ')}` }),
  ),
  duration: z.optional(
    z.number().check(
      z.int('must be a whole number of seconds'),
      z.refine((v) => v === -1 || (v >= 4 && v <= 30), {
        message: 'must be 4 to 30 seconds (the model sets the upper bound), or -1 to let the model choose',
      }),
    ),
  ),
  seed: z.optional(
    z.number().check(z.int('must be an integer'), z.gte(-1, seedMessage), z.lte(MAX_SEED, seedMessage)),
  ),
  generateAudio: z.optional(z.boolean()),
  watermark: z.optional(z.boolean()),
  returnLastFrame: z.optional(z.boolean()),
  outputFormat: z.optional(
    z.enum(VIDEO_OUTPUT_FORMATS, { message: `must be one of ${VIDEO_OUTPUT_FORMATS.join(', ')}` }),
  ),
  /** Lets the model search the web for the prompt (upstream `tools: [{type: "web_search"}]`). */
  webSearch: z.optional(z.boolean()),
  metadata: z.optional(videoMetadata),
  model: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a model name such as doubao-seedance-2-0-260128')),
  ),
});
export type CreateVideoBody = z.infer<typeof createVideoBody>;
export type MediaRef = z.infer<typeof mediaRef>;
export type ReferenceRef = z.infer<typeof referenceRef>;
export type TimedMediaRef = z.infer<typeof timedMediaRef>;

export const videoIdSchema = z.string().check(z.regex(VIDEO_ID_PATTERN, 'must be a video ID (vid-...)'));
export const videoPathSchema = z.object({ videoId: videoIdSchema });

const isoInstant = z.pipe(
  z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00Z' }),
  z.transform((v: string) => new Date(v).toISOString()),
);

export const listVideosQuery = z.object({
  status: z.optional(z.enum(VIDEO_STATUSES, { message: `must be one of ${VIDEO_STATUSES.join(', ')}` })),
  groupId: z.optional(groupIdSchema),
  /** Inclusive bounds on the creation time. */
  createdAfter: z.optional(isoInstant),
  createdBefore: z.optional(isoInstant),
  pageSize: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});
export type ListVideosQuery = z.infer<typeof listVideosQuery>;
