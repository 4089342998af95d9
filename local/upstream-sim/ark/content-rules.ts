/**
 * The create-task request rules of Seedance 2.0 (UPSTREAM.md §2): image modes are exclusive
 * (first_frame, first_frame + last_frame, or 1–9 reference_image), ≤ 3 reference videos and ≤ 3
 * reference audios of ≤ 15 s each in total, audio never alone, option ranges, and `asset://` references
 * that must name an Active asset of the token's project. A violation is a 400 InvalidParameter and no
 * task is created.
 */
import { invalidParam, SimArkError } from './errors';

export const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'] as const;
export const RESOLUTIONS = ['480p', '720p', '1080p'] as const;
const NOT_FOR_2_0 = ['camera_fixed', 'frames', 'service_tier'];
const MAX_SEED = 2 ** 32 - 1;

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
  for (const f of NOT_FOR_2_0)
    if (body[f] !== undefined) throw invalidParam(f, 'is not supported by Seedance 2.0');

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
  if (roles.reference_image > 9) throw invalidParam('content', 'at most 9 reference images are allowed');
  if (videos > 3) throw invalidParam('content', 'at most 3 reference videos are allowed');
  if (audios > 3) throw invalidParam('content', 'at most 3 reference audios are allowed');
  if (videoSeconds > 15) throw invalidParam('content', 'reference videos may last 15 s in total');
  if (audioSeconds > 15) throw invalidParam('content', 'reference audios may last 15 s in total');
  const imageCount = roles.first_frame + roles.last_frame + roles.reference_image;
  if (audios > 0 && imageCount === 0 && videos === 0)
    throw invalidParam('content', 'reference audio needs at least one image or video');
  if (texts === 0 && imageCount === 0 && videos === 0)
    throw invalidParam('content', 'a text prompt is required');

  const resolution = optionalEnum(body, 'resolution', RESOLUTIONS, '720p');
  if (resolution === '1080p' && model.includes('fast'))
    throw invalidParam('resolution', 'the fast model has no 1080p');
  const callback = body.callback_url;
  if (callback !== undefined && (typeof callback !== 'string' || !/^https?:\/\//.test(callback)))
    throw invalidParam('callback_url', 'must be an http(s) URL');
  return {
    model,
    content: content as Record<string, unknown>[],
    ratio: optionalEnum(body, 'ratio', RATIOS, 'adaptive'),
    resolution,
    duration: optionalInt(body, 'duration', 5, (n) => n === -1 || (n >= 4 && n <= 15), '4..15 or -1'),
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
  };
}
