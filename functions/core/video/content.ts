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
  ref: MediaRef;
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

export function mediaUrl(ref: MediaRef): string {
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
