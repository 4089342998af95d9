/**
 * Turns a validated POST /videos body into the upstream CreateTask input. Content order is the contract
 * with the prompt: text first, then images, videos and audios, each in the caller's order, because the
 * model numbers media by type and position ("Image 1" is the first image item).
 */
import type { CreateVideoBody, MediaRef } from '../api-schemas/videos';
import type { ContentItem, CreateTaskInput, ImageRole } from '../ark/types';

export type MediaKind = 'image' | 'video' | 'audio';
export type AssetTypeName = 'Image' | 'Video' | 'Audio';

export interface MediaSlot {
  kind: MediaKind;
  role: ImageRole | 'reference_video' | 'reference_audio';
  ref: MediaRef & { groupId?: string | undefined };
  /** Where it came from in the body (`references.2`), for error details. */
  field: string;
}

export const ASSET_TYPE_OF: Record<MediaKind, AssetTypeName> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
};

/** Every media item in the order the model sees it. */
export function mediaSlots(body: CreateVideoBody): MediaSlot[] {
  const slots: MediaSlot[] = [];
  if (body.firstFrame)
    slots.push({ kind: 'image', role: 'first_frame', ref: body.firstFrame, field: 'firstFrame' });
  if (body.lastFrame)
    slots.push({ kind: 'image', role: 'last_frame', ref: body.lastFrame, field: 'lastFrame' });
  (body.references ?? []).forEach((ref, i) =>
    slots.push({ kind: 'image', role: 'reference_image', ref, field: `references.${i}` }),
  );
  (body.referenceVideos ?? []).forEach((ref, i) =>
    slots.push({ kind: 'video', role: 'reference_video', ref, field: `referenceVideos.${i}` }),
  );
  (body.referenceAudios ?? []).forEach((ref, i) =>
    slots.push({ kind: 'audio', role: 'reference_audio', ref, field: `referenceAudios.${i}` }),
  );
  return slots;
}

/** What the prompt calls each media item, and what it is: the 202 answer's `media`. */
export interface MediaEntry {
  placeholder: string;
  role: MediaSlot['role'];
  assetId?: string;
  url?: string;
  /** The group a `{groupId}` reference expanded from. */
  groupId?: string;
}

const PLACEHOLDER: Record<MediaKind, string> = { image: 'Image', video: 'Video', audio: 'Audio' };

/** "Image 1", "Image 2", "Video 1"…: numbered by type in content order, as the model numbers them. */
export function mediaList(body: CreateVideoBody, origins: Record<string, string> = {}): MediaEntry[] {
  const n: Record<MediaKind, number> = { image: 0, video: 0, audio: 0 };
  return mediaSlots(body).map((slot) => {
    const entry: MediaEntry = { placeholder: `${PLACEHOLDER[slot.kind]} ${++n[slot.kind]}`, role: slot.role };
    if (slot.ref.assetId !== undefined) entry.assetId = slot.ref.assetId;
    if (slot.ref.url !== undefined) entry.url = slot.ref.url;
    const group = origins[slot.field];
    if (group !== undefined) entry.groupId = group;
    return entry;
  });
}

export function mediaUrl(ref: MediaSlot['ref']): string {
  if (ref.assetId !== undefined) return `asset://${ref.assetId}`;
  if (ref.url !== undefined) return ref.url;
  throw new Error('a media reference has neither assetId nor url');
}

function contentItem(slot: MediaSlot): ContentItem {
  const url = mediaUrl(slot.ref);
  if (slot.kind === 'video') return { type: 'video_url', video_url: { url }, role: 'reference_video' };
  if (slot.kind === 'audio') return { type: 'audio_url', audio_url: { url }, role: 'reference_audio' };
  return { type: 'image_url', image_url: { url }, role: slot.role as ImageRole };
}

export interface BuildOptions {
  model: string;
  /** The seed actually sent; see functions/core/video/fingerprint.ts `seedFor` for why we pick one. */
  seed: number;
  /** Seconds before upstream expires an unfinished task (3600–259200). */
  executionExpiresAfter?: number;
  /** The caller's hashed principal (safety-identifier.ts). */
  safetyIdentifier?: string;
}

export function buildCreateTaskInput(body: CreateVideoBody, opts: BuildOptions): CreateTaskInput {
  const content: ContentItem[] = [{ type: 'text', text: body.prompt }, ...mediaSlots(body).map(contentItem)];
  const input: CreateTaskInput = { model: opts.model, content, seed: opts.seed };
  if (body.ratio !== undefined) input.ratio = body.ratio;
  if (body.resolution !== undefined) input.resolution = body.resolution;
  if (body.duration !== undefined) input.duration = body.duration;
  if (body.generateAudio !== undefined) input.generate_audio = body.generateAudio;
  if (body.watermark !== undefined) input.watermark = body.watermark;
  if (body.returnLastFrame !== undefined) input.return_last_frame = body.returnLastFrame;
  if (opts.executionExpiresAfter !== undefined) input.execution_expires_after = opts.executionExpiresAfter;
  if (body.outputFormat !== undefined) input.output_format = body.outputFormat;
  if (body.webSearch) input.tools = [{ type: 'web_search' }];
  if (opts.safetyIdentifier !== undefined) input.safety_identifier = opts.safetyIdentifier;
  return input;
}

/** Asset IDs a request references (for the asset check and for cleanup's "in use" scan). */
export function referencedAssetIds(input: Pick<CreateTaskInput, 'content'>): string[] {
  const ids = new Set<string>();
  for (const item of input.content) {
    const url =
      item.type === 'image_url'
        ? item.image_url.url
        : item.type === 'video_url'
          ? item.video_url.url
          : item.type === 'audio_url'
            ? item.audio_url.url
            : undefined;
    if (url?.startsWith('asset://')) ids.add(url.slice('asset://'.length));
  }
  return [...ids];
}

/**
 * The body a recorded `media` list stands for: the caller's options with every media field rebuilt from
 * the list (placeholders are in content order), so a restarted start sends what the first call checked.
 */
export function bodyFromMedia(
  body: CreateVideoBody,
  media: readonly MediaEntry[],
): { body: CreateVideoBody; origins: Record<string, string> } {
  const ref = (m: MediaEntry) => (m.assetId !== undefined ? { assetId: m.assetId } : { url: m.url ?? '' });
  const out: CreateVideoBody = { ...body };
  delete out.firstFrame;
  delete out.lastFrame;
  delete out.references;
  delete out.referenceVideos;
  delete out.referenceAudios;
  const origins: Record<string, string> = {};
  const push = (field: 'references' | 'referenceVideos' | 'referenceAudios', m: MediaEntry) => {
    const list = (out[field] ??= []);
    if (m.groupId) origins[`${field}.${list.length}`] = m.groupId;
    list.push(ref(m));
  };
  for (const m of media) {
    if (m.role === 'first_frame') out.firstFrame = ref(m);
    else if (m.role === 'last_frame') out.lastFrame = ref(m);
    else if (m.role === 'reference_image') push('references', m);
    else if (m.role === 'reference_video') push('referenceVideos', m);
    else push('referenceAudios', m);
  }
  return { body: out, origins };
}
