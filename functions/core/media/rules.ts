/**
 * The upstream video and audio asset rules (UPSTREAM.md §1 "Video assets" / "Audio") as verdicts a person
 * can read. Two published sets exist: the 2026-03 preview (2–15 s, ≤ 50 MB, 480p/720p) and the newer
 * gateway figures (2–30 s, ≤ 200 MB, 480p–4K, 24–60 fps, 407,696–8,295,044 pixels, aspect 0.4–2.5, sides
 * 300–6000). The newer set is the default; every figure is configurable (functions/core/config.ts). Codes
 * are the asset library's own failure codes, so a rejection here and a `Failed` asset upstream read alike.
 */
import { formatRatio } from '../image/rules';

export type MediaKind = 'video' | 'audio';

export type AudioTrackRule = 'any' | 'required' | 'forbidden';

export interface VideoRules {
  maxBytes: number;
  minSeconds: number;
  maxSeconds: number;
  minFps: number;
  maxFps: number;
  /** width × height, inclusive bounds. */
  minPixels: number;
  maxPixels: number;
  minSide: number;
  maxSide: number;
  minAspect: number;
  maxAspect: number;
  audioTrack: AudioTrackRule;
}

export interface AudioRules {
  maxBytes: number;
  minSeconds: number;
  maxSeconds: number;
}

export interface MediaRules {
  video: VideoRules;
  audio: AudioRules;
}

const MB = 1024 * 1024;

/** The named limit sets; `MEDIA_LIMITS` picks one and single settings override it. */
export const MEDIA_LIMIT_SETS = {
  /** Newer gateway docs (the default). */
  '2026-09': {
    video: {
      maxBytes: 200 * MB,
      minSeconds: 2,
      maxSeconds: 30,
      minFps: 24,
      maxFps: 60,
      minPixels: 407_696,
      maxPixels: 8_295_044,
      minSide: 300,
      maxSide: 6000,
      minAspect: 0.4,
      maxAspect: 2.5,
      audioTrack: 'any',
    },
    audio: { maxBytes: 15 * MB, minSeconds: 2, maxSeconds: 30 },
  },
  /**
   * The 2026-03 preview: "480p/720p" read as 640×480 (307,200 px) up to 1280×720 (921,600 px); frame rate
   * and sides were not stated there, so the newer figures stand in.
   */
  '2026-03': {
    video: {
      maxBytes: 50 * MB,
      minSeconds: 2,
      maxSeconds: 15,
      minFps: 24,
      maxFps: 60,
      minPixels: 307_200,
      maxPixels: 921_600,
      minSide: 300,
      maxSide: 6000,
      minAspect: 0.4,
      maxAspect: 2.5,
      audioTrack: 'any',
    },
    audio: { maxBytes: 15 * MB, minSeconds: 2, maxSeconds: 15 },
  },
} as const satisfies Record<string, MediaRules>;

export type MediaLimitSet = keyof typeof MEDIA_LIMIT_SETS;

export const MEDIA_RULES: MediaRules = MEDIA_LIMIT_SETS['2026-09'];

export type MediaRejectionCode =
  | 'EmptyFile'
  | 'FileSizeTooLarge'
  | 'FormatUnsupported'
  | 'FormatUndetectable'
  | 'TypeMismatch'
  | 'MediaCorrupt'
  | 'DurationTooShort'
  | 'DurationTooLong'
  | 'FpsTooLow'
  | 'FpsTooHigh'
  | 'PixelCountTooSmall'
  | 'PixelCountTooLarge'
  | 'WidthTooSmall'
  | 'HeightTooSmall'
  | 'WidthTooLarge'
  | 'HeightTooLarge'
  | 'AspectRatioTooSmall'
  | 'AspectRatioTooLarge'
  | 'AudioTrackRequired'
  | 'AudioTrackForbidden';

export type MediaVerdict = { ok: true } | { ok: false; code: MediaRejectionCode; message: string };

export const MEDIA_ACCEPTED: MediaVerdict = { ok: true };

export const rejectMedia = (code: MediaRejectionCode, message: string): MediaVerdict => ({
  ok: false,
  code,
  message,
});

const mb = (bytes: number) => `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB`;
const grouped = (n: number) => n.toLocaleString('en-US');

/** "31.2 s", never "30 s is above 30 s" (see formatRatio). */
const seconds = (value: number, limit: number) => `${formatRatio(value, limit)} s`;
const fps = (value: number, limit: number) => `${formatRatio(value, limit)} fps`;

export function judgeMediaSize(size: number, kind: MediaKind, rules: MediaRules = MEDIA_RULES): MediaVerdict {
  const max = rules[kind].maxBytes;
  if (size <= 0) return rejectMedia('EmptyFile', 'the file is empty');
  if (size > max)
    return rejectMedia(
      'FileSizeTooLarge',
      `file size ${mb(size)} is above the ${mb(max)} limit for ${kind} (${size} bytes)`,
    );
  return MEDIA_ACCEPTED;
}

export function judgeDuration(
  durationSeconds: number,
  limits: { minSeconds: number; maxSeconds: number },
): MediaVerdict {
  if (durationSeconds < limits.minSeconds)
    return rejectMedia(
      'DurationTooShort',
      `duration ${seconds(durationSeconds, limits.minSeconds)} is below ${limits.minSeconds} s`,
    );
  if (durationSeconds > limits.maxSeconds)
    return rejectMedia(
      'DurationTooLong',
      `duration ${seconds(durationSeconds, limits.maxSeconds)} is above ${limits.maxSeconds} s`,
    );
  return MEDIA_ACCEPTED;
}

export interface VideoFacts {
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
}

/** Duration, frame rate, pixel count, sides, aspect, audio track: in that order, the first failure wins. */
export function judgeVideo(facts: VideoFacts, rules: VideoRules = MEDIA_RULES.video): MediaVerdict {
  const duration = judgeDuration(facts.durationSeconds, rules);
  if (!duration.ok) return duration;
  if (facts.fps < rules.minFps)
    return rejectMedia(
      'FpsTooLow',
      `frame rate ${fps(facts.fps, rules.minFps)} is below ${rules.minFps} fps`,
    );
  if (facts.fps > rules.maxFps)
    return rejectMedia(
      'FpsTooHigh',
      `frame rate ${fps(facts.fps, rules.maxFps)} is above ${rules.maxFps} fps`,
    );
  const { width, height } = facts;
  const pixels = width * height;
  if (pixels < rules.minPixels)
    return rejectMedia(
      'PixelCountTooSmall',
      `pixel count ${grouped(pixels)} (${width}×${height}) is below ${grouped(rules.minPixels)}`,
    );
  if (pixels > rules.maxPixels)
    return rejectMedia(
      'PixelCountTooLarge',
      `pixel count ${grouped(pixels)} (${width}×${height}) is above ${grouped(rules.maxPixels)}`,
    );
  if (width < rules.minSide)
    return rejectMedia('WidthTooSmall', `width ${width} px is below ${rules.minSide} px`);
  if (height < rules.minSide)
    return rejectMedia('HeightTooSmall', `height ${height} px is below ${rules.minSide} px`);
  if (width > rules.maxSide)
    return rejectMedia('WidthTooLarge', `width ${width} px is above ${rules.maxSide} px`);
  if (height > rules.maxSide)
    return rejectMedia('HeightTooLarge', `height ${height} px is above ${rules.maxSide} px`);
  const aspect = width / height;
  if (aspect < rules.minAspect)
    return rejectMedia(
      'AspectRatioTooSmall',
      `aspect ratio ${formatRatio(aspect, rules.minAspect)} is below ${rules.minAspect} (${width}×${height})`,
    );
  if (aspect > rules.maxAspect)
    return rejectMedia(
      'AspectRatioTooLarge',
      `aspect ratio ${formatRatio(aspect, rules.maxAspect)} is above ${rules.maxAspect} (${width}×${height})`,
    );
  if (rules.audioTrack === 'required' && !facts.hasAudio)
    return rejectMedia('AudioTrackRequired', 'the video has no audio track, and one is required');
  if (rules.audioTrack === 'forbidden' && facts.hasAudio)
    return rejectMedia('AudioTrackForbidden', 'the video has an audio track, and none is allowed');
  return MEDIA_ACCEPTED;
}
