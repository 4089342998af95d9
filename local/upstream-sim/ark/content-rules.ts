/**
 * The create-task request rules of Seedance 2.x (UPSTREAM.md §2): image modes are exclusive
 * (first_frame, first_frame + last_frame, or reference_image), per-model limits on images, videos,
 * audios, resolutions and durations (MODEL_RULES), option ranges, and `asset://` references
 * that must name an Active asset of the token's project. A violation is a 400 InvalidParameter and no
 * task is created.
 */
import { invalidParam, SimArkError } from './errors';

export const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'] as const;
export const RESOLUTIONS = ['480p', '720p', '1080p', '4k'] as const;
const NOT_FOR_2_X = ['camera_fixed', 'frames', 'service_tier'];
const MAX_SEED = 2 ** 32 - 1;
const OMNI_TYPES = ['auto', 'reference', 'edit', 'extend'];

/** What one model accepts (UPSTREAM.md §2 "Models", seen 2026-09): the one table of per-model rules. */
export interface ModelRules {
  resolutions: readonly string[];
  maxDuration: number;
  maxImages: number;
  maxVideos: number;
  maxAudios: number;
  /** Total seconds of reference videos, and of reference audios. */
  maxVideoSeconds: number;
  maxAudioSeconds: number;
  audioAlone: boolean;
  outputFormats: readonly string[];
}

const SEEDANCE_2_0: ModelRules = {
  resolutions: ['480p', '720p', '1080p', '4k'],
  maxDuration: 15,
  maxImages: 9,
  maxVideos: 3,
  maxAudios: 3,
  maxVideoSeconds: 15,
  maxAudioSeconds: 15,
  audioAlone: false,
  outputFormats: ['mp4'],
};
const SEEDANCE_2_0_SMALL: ModelRules = { ...SEEDANCE_2_0, resolutions: ['480p', '720p'] };

export const MODEL_RULES: Readonly<Record<string, ModelRules>> = Object.freeze({
  'doubao-seedance-2-0-260128': SEEDANCE_2_0,
  'doubao-seedance-2-0-fast-260128': SEEDANCE_2_0_SMALL,
  'doubao-seedance-2-0-mini-260615': SEEDANCE_2_0_SMALL,
  // Reference totals of 2.5 are not published: 30 s each, its longest output, is our guess.
  'doubao-seedance-2-5-260628': {
    resolutions: ['480p', '720p', '1080p'],
    maxDuration: 30,
    maxImages: 30,
    maxVideos: 10,
    maxAudios: 10,
    maxVideoSeconds: 30,
    maxAudioSeconds: 30,
    audioAlone: true,
    outputFormats: ['mp4', 'mov'],
  },
});

/** A model the simulator is told to know but has no row for behaves like the standard 2.0 model. */
export const rulesOf = (model: string): ModelRules => MODEL_RULES[model] ?? SEEDANCE_2_0;

export interface KnownAsset {
  assetType: 'Image' | 'Video' | 'Audio';
  durationSeconds?: number;
}

export interface RuleContext {
  models: string[];
  /** The Active asset of the token's project with this ID, else undefined. */
  asset: (id: string) => KnownAsset | undefined;
}

export interface TaskSpec {
  model: string;
  content: Record<string, unknown>[];
  ratio: string;
  resolution: string;
  /** -1 = the model chooses. */
  duration: number;
  /** -1 = random. */
  seed: number;
  generateAudio: boolean;
  watermark: boolean;
  returnLastFrame: boolean;
  callbackUrl?: string;
  executionExpiresAfter: number;
  imageCount: number;
  /** Seconds of reference video known to the simulator (library assets; a URL's length is unknown). */
  videoSeconds: number;
  /** Newer request fields (official Go SDK 2026-08), echoed on Get when sent. */
  extras: Record<string, unknown>;
}

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalBool(body: Body, field: string, def: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw invalidParam(field, 'must be a boolean');
  return v;
}

function optionalInt(
  body: Body,
  field: string,
  def: number,
  ok: (n: number) => boolean,
  range: string,
): number {
  const v = body[field];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || !ok(v)) throw invalidParam(field, `must be ${range}`);
  return v;
}

function optionalEnum(body: Body, field: string, allowed: readonly string[], def: string): string {
  const v = body[field];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string' || !allowed.includes(v))
    throw invalidParam(field, `must be one of ${allowed.join(', ')}`);
  return v;
}

const assetNotFound = (id: string) =>
  new SimArkError(
    400,
    'InvalidParameter',
    `The specified asset ${id} is not found or is not available for this account.`,
    'content',
  );

/** Checks a media URL's scheme, and for `asset://` that the asset is usable here and of the right type. */
function checkMediaUrl(
  url: unknown,
  kind: 'Image' | 'Video' | 'Audio',
  param: string,
  ctx: RuleContext,
): number | undefined {
  if (typeof url !== 'string' || url === '') throw invalidParam(param, 'url is required');
  if (url.startsWith('asset://')) {
    const id = url.slice('asset://'.length);
    const asset = ctx.asset(id);
    if (!asset) throw assetNotFound(id);
    if (asset.assetType !== kind) throw invalidParam(param, `asset ${id} is not of type ${kind}`);
    return asset.durationSeconds;
  }
  if (kind === 'Image' && /^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+$/i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParam(param, 'url must be http(s), asset:// or (images) a base64 data URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw invalidParam(param, 'url must be http(s), asset:// or (images) a base64 data URL');
  return undefined;
}

export function validateCreateTask(body: unknown, ctx: RuleContext): TaskSpec {
  if (!isObject(body)) throw invalidParam('body', 'must be a JSON object');
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw invalidParam('model', 'is required');
  if (!ctx.models.includes(model))
    throw new SimArkError(
      404,
      'InvalidEndpointOrModel.NotFound',
      `The model or endpoint ${model} does not exist or you do not have access to it.`,
      'model',
    );
  const rules = rulesOf(model);
  for (const f of NOT_FOR_2_X)
    if (body[f] !== undefined) throw invalidParam(f, `is not supported by ${model}`);

  const content = body.content;
  if (!Array.isArray(content) || content.length === 0)
    throw invalidParam('content', 'must be a non-empty array');
  const roles = { first_frame: 0, last_frame: 0, reference_image: 0 };
  let texts = 0;
  let videos = 0;
  let audios = 0;
  let videoSeconds = 0;
  let audioSeconds = 0;
  content.forEach((item: unknown, i) => {
    const param = `content[${i}]`;
    if (!isObject(item)) throw invalidParam(param, 'must be an object');
    switch (item.type) {
      case 'text':
        if (typeof item.text !== 'string' || item.text.trim() === '')
          throw invalidParam(param, 'text is required');
        if (++texts > 1) throw invalidParam('content', 'at most one text item is allowed');
        return;
      case 'image_url': {
        const role = item.role ?? 'first_frame';
        if (role !== 'first_frame' && role !== 'last_frame' && role !== 'reference_image')
          throw invalidParam(param, 'role must be first_frame, last_frame or reference_image');
        checkMediaUrl(isObject(item.image_url) ? item.image_url.url : undefined, 'Image', param, ctx);
        roles[role] += 1;
        return;
      }
      case 'video_url':
        if (item.role !== 'reference_video') throw invalidParam(param, 'role must be reference_video');
        videoSeconds +=
          checkMediaUrl(isObject(item.video_url) ? item.video_url.url : undefined, 'Video', param, ctx) ?? 0;
        videos += 1;
        return;
      case 'audio_url':
        if (item.role !== 'reference_audio') throw invalidParam(param, 'role must be reference_audio');
        audioSeconds +=
          checkMediaUrl(isObject(item.audio_url) ? item.audio_url.url : undefined, 'Audio', param, ctx) ?? 0;
        audios += 1;
        return;
      default:
        throw invalidParam(param, 'type must be text, image_url, video_url or audio_url');
    }
  });
  if (roles.first_frame > 1) throw invalidParam('content', 'at most one first_frame image is allowed');
  if (roles.last_frame > 1) throw invalidParam('content', 'at most one last_frame image is allowed');
  if (roles.last_frame === 1 && roles.first_frame === 0)
    throw invalidParam('content', 'a last_frame image needs a first_frame image');
  if (roles.reference_image > 0 && roles.first_frame + roles.last_frame > 0)
    throw invalidParam('content', 'reference_image cannot be combined with first_frame/last_frame');
  const imageCount = roles.first_frame + roles.last_frame + roles.reference_image;
  if (imageCount > rules.maxImages)
    throw invalidParam('content', `${model} accepts at most ${rules.maxImages} images`);
  if (videos > rules.maxVideos)
    throw invalidParam('content', `${model} accepts at most ${rules.maxVideos} reference videos`);
  if (audios > rules.maxAudios)
    throw invalidParam('content', `${model} accepts at most ${rules.maxAudios} reference audios`);
  if (videoSeconds > rules.maxVideoSeconds)
    throw invalidParam('content', `reference videos may last ${rules.maxVideoSeconds} s in total`);
  if (audioSeconds > rules.maxAudioSeconds)
    throw invalidParam('content', `reference audios may last ${rules.maxAudioSeconds} s in total`);
  if (audios > 0 && imageCount === 0 && videos === 0 && !rules.audioAlone)
    throw invalidParam('content', 'reference audio needs at least one image or video');
  if (texts === 0 && imageCount === 0 && videos === 0)
    throw invalidParam('content', 'a text prompt is required');

  const resolution = optionalEnum(body, 'resolution', RESOLUTIONS, '720p');
  if (!rules.resolutions.includes(resolution))
    throw invalidParam('resolution', `${model} supports ${rules.resolutions.join(', ')}`);
  const callback = body.callback_url;
  if (callback !== undefined && (typeof callback !== 'string' || !/^https?:\/\//.test(callback)))
    throw invalidParam('callback_url', 'must be an http(s) URL');
  return {
    model,
    content: content as Record<string, unknown>[],
    ratio: optionalEnum(body, 'ratio', RATIOS, 'adaptive'),
    resolution,
    duration: optionalInt(
      body,
      'duration',
      5,
      (n) => n === -1 || (n >= 4 && n <= rules.maxDuration),
      `4..${rules.maxDuration} or -1`,
    ),
    seed: optionalInt(body, 'seed', -1, (n) => n >= -1 && n <= MAX_SEED, `-1..${MAX_SEED}`),
    generateAudio: optionalBool(body, 'generate_audio', true),
    watermark: optionalBool(body, 'watermark', false),
    returnLastFrame: optionalBool(body, 'return_last_frame', false),
    callbackUrl: callback as string | undefined,
    executionExpiresAfter: optionalInt(
      body,
      'execution_expires_after',
      172_800,
      (n) => n >= 3_600 && n <= 259_200,
      '3600..259200',
    ),
    imageCount,
    videoSeconds,
    extras: extrasOf(body, model, rules),
  };
}

/** safety_identifier, output_format, tools, priority, omni_reference_task_type: checked, then echoed. */
function extrasOf(body: Body, model: string, rules: ModelRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sid = body.safety_identifier;
  if (sid !== undefined && sid !== null) {
    if (typeof sid !== 'string' || sid === '' || [...sid].length > 64)
      throw invalidParam('safety_identifier', 'must be a string of 1..64 characters');
    out.safety_identifier = sid;
  }
  const format = body.output_format;
  if (format !== undefined && format !== null) {
    if (typeof format !== 'string' || !rules.outputFormats.includes(format))
      throw invalidParam('output_format', `${model} supports ${rules.outputFormats.join(', ')}`);
    out.output_format = format;
  }
  const tools = body.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools) || tools.some((t) => !isObject(t) || t.type !== 'web_search'))
      throw invalidParam('tools', 'must be an array of {"type":"web_search"}');
    out.tools = tools;
  }
  const priority = body.priority;
  if (priority !== undefined && priority !== null) {
    // Values are not published; any integer is accepted and echoed.
    if (typeof priority !== 'number' || !Number.isInteger(priority))
      throw invalidParam('priority', 'must be an integer');
    out.priority = priority;
  }
  const omni = body.omni_reference_task_type;
  if (omni !== undefined && omni !== null) {
    if (typeof omni !== 'string' || !OMNI_TYPES.includes(omni))
      throw invalidParam('omni_reference_task_type', `must be one of ${OMNI_TYPES.join(', ')}`);
    out.omni_reference_task_type = omni;
  }
  return out;
}
