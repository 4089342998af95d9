/**
 * The Seedance content rules (UPSTREAM.md §2) that relate fields to each other, checked before any money
 * is spent. Each broken rule is a 400 with its own code and a message that says how to fix the request;
 * the first broken rule (in the order below) is reported.
 */
import type { CreateVideoBody } from '../api-schemas/videos';
import { ApiError, type ApiErrorCode } from '../errors';

/** The catalogue's codes for broken content rules (all 400). */
type VideoRuleCode = Extract<
  ApiErrorCode,
  | 'LastFrameWithoutFirstFrame'
  | 'ImageModeConflict'
  | 'TooManyReferenceImages'
  | 'TooManyReferenceVideos'
  | 'TooManyReferenceAudios'
  | 'ReferenceVideosTooLong'
  | 'ReferenceAudiosTooLong'
  | 'AudioWithoutVisual'
  | 'ResolutionNotSupported'
  | 'PromptReferencesAssetId'
  | 'PromptReferencesMissingMedia'
>;

export const MAX_REFERENCE_IMAGES = 9;
export const MAX_REFERENCE_VIDEOS = 3;
export const MAX_REFERENCE_AUDIOS = 3;
export const MAX_REFERENCE_SECONDS = 15;

/** `asset://...` or an upstream asset ID (`asset-20260318035710-abcde`). */
const ASSET_IN_PROMPT = /asset:\/\/|\basset-\d{14}-[a-z0-9]+/i;
/**
 * "Image 2", "Video 1", "Audio 3": how a prompt names the request's media (type and position). Capitalised
 * only, as the vendor writes it, so ordinary prose ("a video 2 seconds long") is not taken for a reference.
 */
const MEDIA_MENTION = /\b(Image|Video|Audio) ?(\d{1,2})\b/g;

export const NAME_MEDIA_HINT =
  'Name media by type and position in the prompt, e.g. "Image 1" for the first image, "Video 1", "Audio 1".';

export class VideoRuleError extends ApiError {
  constructor(code: VideoRuleCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export function isFastModel(model: string): boolean {
  return /fast/i.test(model);
}

function totalSeconds(items: ReadonlyArray<{ durationSeconds?: number | undefined }>): number {
  return items.reduce((sum, i) => sum + (i.durationSeconds ?? 0), 0);
}

/** Counts of each media type, in the order the model numbers them. */
export function mediaCounts(body: CreateVideoBody): { image: number; video: number; audio: number } {
  const image = (body.firstFrame ? 1 : 0) + (body.lastFrame ? 1 : 0) + (body.references?.length ?? 0);
  return { image, video: body.referenceVideos?.length ?? 0, audio: body.referenceAudios?.length ?? 0 };
}

function checkImageMode(body: CreateVideoBody): void {
  const refs = body.references?.length ?? 0;
  if (body.lastFrame && !body.firstFrame)
    throw new VideoRuleError(
      'LastFrameWithoutFirstFrame',
      'lastFrame needs a firstFrame: give both, only firstFrame, or use references instead',
    );
  if ((body.firstFrame || body.lastFrame) && refs > 0)
    throw new VideoRuleError(
      'ImageModeConflict',
      'Use one image mode: firstFrame (optionally with lastFrame) or 1–9 references, not both',
    );
  if (refs > MAX_REFERENCE_IMAGES)
    throw new VideoRuleError(
      'TooManyReferenceImages',
      `At most ${MAX_REFERENCE_IMAGES} reference images are allowed; got ${refs}`,
      { max: MAX_REFERENCE_IMAGES, count: refs },
    );
}

/** The per-kind limits on reference clips; checked in this order, count before total length. */
const CLIP_KINDS = [
  {
    field: 'referenceVideos',
    label: 'videos',
    max: MAX_REFERENCE_VIDEOS,
    tooMany: 'TooManyReferenceVideos',
    tooLong: 'ReferenceVideosTooLong',
  },
  {
    field: 'referenceAudios',
    label: 'audios',
    max: MAX_REFERENCE_AUDIOS,
    tooMany: 'TooManyReferenceAudios',
    tooLong: 'ReferenceAudiosTooLong',
  },
] as const;

function checkClipLimits(
  kind: (typeof CLIP_KINDS)[number],
  clips: ReadonlyArray<{ durationSeconds?: number | undefined }>,
): void {
  if (clips.length > kind.max)
    throw new VideoRuleError(
      kind.tooMany,
      `At most ${kind.max} reference ${kind.label} are allowed; got ${clips.length}`,
      { max: kind.max, count: clips.length },
    );
  const seconds = totalSeconds(clips);
  if (seconds > MAX_REFERENCE_SECONDS)
    throw new VideoRuleError(
      kind.tooLong,
      `Reference ${kind.label} may last ${MAX_REFERENCE_SECONDS} s in total; the given durations add up to ${seconds} s`,
      { maxSeconds: MAX_REFERENCE_SECONDS, seconds },
    );
}

function checkClips(body: CreateVideoBody): void {
  for (const kind of CLIP_KINDS) checkClipLimits(kind, body[kind.field] ?? []);
  const audios = body.referenceAudios ?? [];
  const counts = mediaCounts(body);
  if (audios.length > 0 && counts.image === 0 && counts.video === 0)
    throw new VideoRuleError(
      'AudioWithoutVisual',
      'Reference audio needs at least one image or reference video in the same request',
    );
}

function checkModelOptions(body: CreateVideoBody, model: string): void {
  if (body.resolution === '1080p' && isFastModel(model))
    throw new VideoRuleError(
      'ResolutionNotSupported',
      `The model ${model} has no 1080p; use 480p or 720p, or a non-fast model`,
      { model, resolution: body.resolution },
    );
}

function checkPrompt(body: CreateVideoBody): void {
  if (ASSET_IN_PROMPT.test(body.prompt))
    throw new VideoRuleError(
      'PromptReferencesAssetId',
      'The prompt names an asset by its ID or asset:// URI; the model never sees asset IDs. ' +
        NAME_MEDIA_HINT,
      { hint: NAME_MEDIA_HINT },
    );
  const counts = mediaCounts(body);
  for (const m of body.prompt.matchAll(MEDIA_MENTION)) {
    const type = (m[1] ?? '').toLowerCase() as keyof typeof counts;
    const n = Number(m[2]);
    if (n < 1 || n > counts[type])
      throw new VideoRuleError(
        'PromptReferencesMissingMedia',
        `The prompt mentions "${m[0]}" but the request has ${counts[type]} ${type}${counts[type] === 1 ? '' : 's'}. ` +
          NAME_MEDIA_HINT,
        { mention: m[0], counts, hint: NAME_MEDIA_HINT },
      );
  }
}

/**
 * Throws a VideoRuleError (400) for the first rule the request breaks. `model` is the resolved model
 * (the request's or the configured default).
 */
export function checkVideoRules(body: CreateVideoBody, model: string): void {
  checkImageMode(body);
  checkClips(body);
  checkModelOptions(body, model);
  checkPrompt(body);
}
