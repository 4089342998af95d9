/** Building a POST /videos body from command-line values, and following a job to its end. */
import type { ApiClient } from './api-client';
import { TERMINAL_VIDEO_STATES, type CreateVideoBody, type MediaRef, type VideoJob } from './api-types';
import { pollUntil } from './wait';

/** `asset://asset-1`, `asset-1` → an asset reference; `http(s)://…` → a URL reference. */
export function parseMediaRef(value: string): MediaRef {
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) return { url: v };
  return { assetId: stripAssetScheme(v) };
}

export const stripAssetScheme = (id: string): string => id.trim().replace(/^asset:\/\//i, '');

export interface VideoOptions {
  prompt: string;
  ref?: string[];
  firstFrame?: string;
  lastFrame?: string;
  ratio?: string;
  resolution?: string;
  duration?: number;
  seed?: number;
  audio?: boolean;
  watermark?: boolean;
  returnLastFrame?: boolean;
  model?: string;
}

/** Only what was given goes in: the API owns the defaults and the content rules. */
export function buildVideoBody(o: VideoOptions): CreateVideoBody {
  const body: CreateVideoBody = { prompt: o.prompt };
  if (o.ref && o.ref.length > 0) body.references = o.ref.map(parseMediaRef);
  if (o.firstFrame !== undefined) body.firstFrame = parseMediaRef(o.firstFrame);
  if (o.lastFrame !== undefined) body.lastFrame = parseMediaRef(o.lastFrame);
  if (o.ratio !== undefined) body.ratio = o.ratio;
  if (o.resolution !== undefined) body.resolution = o.resolution;
  if (o.duration !== undefined) body.duration = o.duration;
  if (o.seed !== undefined) body.seed = o.seed;
  if (o.audio === false) body.generateAudio = false;
  if (o.watermark === true) body.watermark = true;
  if (o.returnLastFrame === true) body.returnLastFrame = true;
  if (o.model !== undefined) body.model = o.model;
  return body;
}

export const isTerminalVideo = (v: VideoJob): boolean => TERMINAL_VIDEO_STATES.includes(v.status);

export function waitForVideo(
  client: ApiClient,
  videoId: string,
  opts: {
    intervalMs?: number;
    timeoutMs?: number;
    onUpdate?: (v: VideoJob) => void;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<VideoJob> {
  return pollUntil(() => client.getVideo(videoId), {
    intervalMs: opts.intervalMs ?? 3000,
    timeoutMs: opts.timeoutMs ?? 3_600_000,
    isDone: isTerminalVideo,
    describe: (v) => `video ${videoId} is still ${v?.status ?? 'unknown'}`,
    ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
}
