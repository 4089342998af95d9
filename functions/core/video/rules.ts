/**
 * The Seedance content rules (UPSTREAM.md §2) that relate fields to each other, checked before any money
 * is spent. Each broken rule is a 400 with its own code and a message that says how to fix the request;
 * the first broken rule (in the order below) is reported.
 */
import type { CreateVideoBody } from '../api-schemas/videos';
import { ApiError, type ApiErrorCode } from '../errors';
import { MODEL_TABLE, ModelCatalog, type ModelRules } from './models';

/** The standard 2.0 row's limits, for callers that show them without a model at hand. */
export const MAX_REFERENCE_IMAGES = MODEL_TABLE['seedance-2.0'].maxImages;
export const MAX_REFERENCE_VIDEOS = MODEL_TABLE['seedance-2.0'].maxVideos;
export const MAX_REFERENCE_AUDIOS = MODEL_TABLE['seedance-2.0'].maxAudios;
export const MAX_REFERENCE_SECONDS = MODEL_TABLE['seedance-2.0'].maxVideoSeconds;

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
  /** A 400 code of the catalogue (lib/routes.ts lists them on POST /videos). */
  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

const STANDARD_CATALOG = ModelCatalog.standard();

/**
 * The rules of `model` in the deployment's catalog (the standard list when none is given); an unknown
 * model is a 400 `UnknownModel` naming the ones there are.
 */
export function rulesForModel(model: string, catalog: ModelCatalog = STANDARD_CATALOG): ModelRules {
  const rules = catalog.rulesOf(model);
  if (rules) return rules;
  const known = catalog.ids();
  throw new VideoRuleError(
    'UnknownModel',
    `Unknown model ${model}; this deployment offers ${known.join(', ')}`,
    {
      model,
      models: known,
    },
  );
}

function totalSeconds(items: ReadonlyArray<{ durationSeconds?: number | undefined }>): number {
  return items.reduce((sum, i) => sum + (i.durationSeconds ?? 0), 0);
}

/** Counts of each media type, in the order the model numbers them. */
export function mediaCounts(body: CreateVideoBody): { image: number; video: number; audio: number } {
  const image = (body.firstFrame ? 1 : 0) + (body.lastFrame ? 1 : 0) + (body.references?.length ?? 0);
  return { image, video: body.referenceVideos?.length ?? 0, audio: body.referenceAudios?.length ?? 0 };
}

function checkImageMode(body: CreateVideoBody, model: string, rules: ModelRules): void {
  const refs = body.references?.length ?? 0;
  if (body.lastFrame && !body.firstFrame)
    throw new VideoRuleError(
      'LastFrameWithoutFirstFrame',
      'lastFrame needs a firstFrame: give both, only firstFrame, or use references instead',
    );
  if ((body.firstFrame || body.lastFrame) && refs > 0)
    throw new VideoRuleError(
      'ImageModeConflict',
      `Use one image mode: firstFrame (optionally with lastFrame) or 1–${rules.maxImages} references, not both`,
    );
  if (refs > rules.maxImages)
    throw new VideoRuleError(
      'TooManyReferenceImages',
      `At most ${rules.maxImages} reference images are allowed; got ${refs} (limit of ${model})`,
      { max: rules.maxImages, count: refs, model },
    );
}

/** The per-kind limits on reference clips; checked in this order, count before total length. */
const CLIP_KINDS = [
  {
    field: 'referenceVideos',
    label: 'videos',
    max: (r: ModelRules) => r.maxVideos,
    maxSeconds: (r: ModelRules) => r.maxVideoSeconds,
    tooMany: 'TooManyReferenceVideos',
    tooLong: 'ReferenceVideosTooLong',
  },
  {
    field: 'referenceAudios',
    label: 'audios',
    max: (r: ModelRules) => r.maxAudios,
    maxSeconds: (r: ModelRules) => r.maxAudioSeconds,
    tooMany: 'TooManyReferenceAudios',
    tooLong: 'ReferenceAudiosTooLong',
  },
] as const;

function checkClipLimits(
  kind: (typeof CLIP_KINDS)[number],
  clips: ReadonlyArray<{ durationSeconds?: number | undefined }>,
  model: string,
  rules: ModelRules,
): void {
  const max = kind.max(rules);
  if (clips.length > max)
    throw new VideoRuleError(
      kind.tooMany,
      `At most ${max} reference ${kind.label} are allowed; got ${clips.length} (limit of ${model})`,
      { max, count: clips.length, model },
    );
  const seconds = totalSeconds(clips);
  const maxSeconds = kind.maxSeconds(rules);
  if (seconds > maxSeconds)
    throw new VideoRuleError(
      kind.tooLong,
      `Reference ${kind.label} may last ${maxSeconds} s in total; the given durations add up to ${seconds} s (limit of ${model})`,
      { maxSeconds, seconds, model },
    );
}

function checkClips(body: CreateVideoBody, model: string, rules: ModelRules): void {
  for (const kind of CLIP_KINDS) checkClipLimits(kind, body[kind.field] ?? [], model, rules);
  const audios = body.referenceAudios ?? [];
  const counts = mediaCounts(body);
  if (audios.length > 0 && counts.image === 0 && counts.video === 0 && !rules.audioOnly)
    throw new VideoRuleError(
      'AudioWithoutVisual',
      `Reference audio needs at least one image or reference video in the same request on ${model}` +
        ' (Seedance 2.5 accepts audio alone)',
      { model },
    );
}

function checkModelOptions(body: CreateVideoBody, model: string, rules: ModelRules): void {
  if (body.resolution !== undefined && !rules.resolutions.includes(body.resolution))
    throw new VideoRuleError(
      'ResolutionNotSupported',
      `The model ${model} has no ${body.resolution}; use ${rules.resolutions.join(', ')}, or another model`,
      { model, resolution: body.resolution, resolutions: rules.resolutions },
    );
  const d = body.duration;
  if (d !== undefined && d !== -1 && (d < rules.minDurationSeconds || d > rules.maxDurationSeconds))
    throw new VideoRuleError(
      'DurationNotSupported',
      `The model ${model} makes videos of ${rules.minDurationSeconds}–${rules.maxDurationSeconds} s (or -1 to let it choose); got ${d}`,
      { model, duration: d, min: rules.minDurationSeconds, max: rules.maxDurationSeconds },
    );
  if (body.outputFormat !== undefined && !rules.outputFormats.includes(body.outputFormat))
    throw new VideoRuleError(
      'OutputFormatNotSupported',
      `The model ${model} outputs ${rules.outputFormats.join(', ')}; got ${body.outputFormat}`,
      { model, outputFormat: body.outputFormat, outputFormats: rules.outputFormats },
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
 * (the request's or the configured default); `catalog` the deployment's models (config `modelCatalog`).
 * A `{groupId}` reference counts as one item here; the API checks again after expanding it.
 */
export function checkVideoRules(body: CreateVideoBody, model: string, catalog?: ModelCatalog): void {
  const rules = rulesForModel(model, catalog);
  checkImageMode(body, model, rules);
  checkClips(body, model, rules);
  checkModelOptions(body, model, rules);
  checkPrompt(body);
}
