/**
 * The checks upstream runs on a CreateAsset file, with the failure codes integrators have seen
 * (UPSTREAM.md §1). Images: format by magic bytes and dimensions from the header (image-size), the same
 * way our ingest step inspects them; no pixel decoding. Video and audio are checked with code independent
 * of our ingest's hand parser, as upstream would: the whole downloaded file through GPAC's mp4box (MP4/MOV:
 * duration, frame size, frame rate from the sample count, tracks) and music-metadata (WAV/MP3, with a full
 * frame scan for the duration), against the newer published limits, failing with the vendor's codes.
 */
import { imageSize } from 'image-size';
import * as MP4Box from 'mp4box';
import { parseBuffer } from 'music-metadata';
import type { AssetType } from '../../../functions/core/volcengine/types';

export type CheckResult =
  | { ok: true; format: string; width?: number; height?: number; durationSeconds?: number }
  | { ok: false; code: string; message: string };

export const IMAGE_RULES = {
  /** image-size names; HEIC/HEIF report their ISO-BMFF brand (AVIF is not on the list). */
  formats: [
    'jpg',
    'png',
    'webp',
    'bmp',
    'tiff',
    'gif',
    'heic',
    'heix',
    'hevc',
    'hevx',
    'mif1',
    'msf1',
    'heif',
  ],
  minSide: 300,
  maxSide: 6000,
  minAspect: 0.4,
  maxAspect: 2.5,
  /** "< 30 MB". */
  maxBytes: 30 * 1024 * 1024 - 1,
};

/**
 * The newer published video/audio limits (UPSTREAM.md §1: 2–30 s, ≤ 200 MB, 24–60 fps, 407,696–8,295,044
 * pixels, sides 300–6000, aspect 0.4–2.5; audio 2–30 s, ≤ 15 MB).
 */
export const VIDEO_RULES = {
  maxBytes: 200 * 1024 * 1024,
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
};
export const AUDIO_RULES = { maxBytes: 15 * 1024 * 1024, minSeconds: 2, maxSeconds: 30 };

export function maxBytesFor(type: AssetType): number {
  return type === 'Image'
    ? IMAGE_RULES.maxBytes
    : type === 'Video'
      ? VIDEO_RULES.maxBytes
      : AUDIO_RULES.maxBytes;
}

const fail = (code: string, message: string): CheckResult => ({ ok: false, code, message });

export const tooLarge = (type: AssetType): CheckResult =>
  fail('FileSizeTooLarge', `The file exceeds the ${maxBytesFor(type)} byte limit for ${type} assets.`);

const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.subarray(from, to)).toString('latin1');

/** ISO-BMFF brands of HEIF still images; any other `ftyp` is a movie. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'avif']);

function sniffContainer(b: Uint8Array): 'image-heif' | 'video' | 'wav' | 'mp3' | undefined {
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp')
    return HEIF_BRANDS.has(ascii(b, 8, 12)) ? 'image-heif' : 'video';
  if (b.length >= 8 && ['moov', 'mdat', 'wide', 'free'].includes(ascii(b, 4, 8))) return 'video';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE') return 'wav';
  if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return 'mp3';
  if (b.length >= 2 && b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}

function detectImage(b: Uint8Array): { type: string; width: number; height: number } | 'unknown' | 'corrupt' {
  try {
    const size = imageSize(b);
    return { type: size.type ?? 'unknown', width: size.width, height: size.height };
  } catch (e) {
    return /unsupported file type: undefined/.test(String(e)) ? 'unknown' : 'corrupt';
  }
}

export function checkImage(b: Uint8Array): CheckResult {
  if (b.length > IMAGE_RULES.maxBytes) return tooLarge('Image');
  const container = sniffContainer(b);
  if (container === 'video' || container === 'wav' || container === 'mp3')
    return fail('TypeMismatch', `The file is ${container === 'video' ? 'a video' : 'audio'}, not an Image.`);
  const img = detectImage(b);
  if (img === 'unknown' || img === 'corrupt')
    return fail('FormatUndetectable', 'The image format could not be detected from the file content.');
  if (!IMAGE_RULES.formats.includes(img.type))
    return fail('FormatUnsupported', `Image format ${img.type} is not supported.`);
  const { width, height } = img;
  if (width < IMAGE_RULES.minSide) return fail('WidthTooSmall', `Image width ${width}px is below 300px.`);
  if (height < IMAGE_RULES.minSide) return fail('HeightTooSmall', `Image height ${height}px is below 300px.`);
  if (width > IMAGE_RULES.maxSide) return fail('WidthTooLarge', `Image width ${width}px is above 6000px.`);
  if (height > IMAGE_RULES.maxSide)
    return fail('HeightTooLarge', `Image height ${height}px is above 6000px.`);
  const aspect = width / height;
  if (aspect < IMAGE_RULES.minAspect)
    return fail('AspectRatioTooSmall', `Aspect ratio ${aspect.toFixed(3)} is below 0.4.`);
  if (aspect > IMAGE_RULES.maxAspect)
    return fail('AspectRatioTooLarge', `Aspect ratio ${aspect.toFixed(3)} is above 2.5.`);
  return { ok: true, format: img.type, width, height };
}

/** Video facts as GPAC's mp4box sees the whole file (no moov, or a broken one: undefined). */
function movieFacts(
  b: Uint8Array,
): { seconds: number; video?: { width: number; height: number; fps: number }; audio: boolean } | undefined {
  const file = MP4Box.createFile();
  let info: MP4Box.Movie | undefined;
  file.onReady = (i) => {
    info = i;
  };
  const copy = new Uint8Array(b).buffer as ArrayBuffer & { fileStart: number };
  copy.fileStart = 0;
  try {
    file.appendBuffer(copy as unknown as MP4Box.MP4BoxBuffer);
    file.flush();
  } catch {
    return undefined;
  }
  if (!info || info.timescale === 0) return undefined;
  const v = info.videoTracks[0];
  return {
    seconds: info.duration / info.timescale,
    ...(v && v.samples_duration > 0
      ? {
          video: {
            width: v.video?.width ?? v.track_width,
            height: v.video?.height ?? v.track_height,
            fps: (v.nb_samples * v.timescale) / v.samples_duration,
          },
        }
      : {}),
    audio: info.audioTracks.length > 0,
  };
}

function checkDuration(type: 'Video' | 'Audio', seconds: number): CheckResult | undefined {
  const rules = type === 'Video' ? VIDEO_RULES : AUDIO_RULES;
  if (seconds < rules.minSeconds)
    return fail(
      'DurationTooShort',
      `The ${type.toLowerCase()} duration ${seconds.toFixed(2)}s is below ${rules.minSeconds}s.`,
    );
  if (seconds > rules.maxSeconds)
    return fail(
      'DurationTooLong',
      `The ${type.toLowerCase()} duration ${seconds.toFixed(2)}s exceeds ${rules.maxSeconds}s.`,
    );
  return undefined;
}

export function checkVideo(b: Uint8Array): CheckResult {
  if (b.length > VIDEO_RULES.maxBytes) return tooLarge('Video');
  const container = sniffContainer(b);
  if (container === 'image-heif' || (container === undefined && typeof detectImage(b) === 'object'))
    return fail('TypeMismatch', 'The file is an image, not a Video.');
  if (container === 'wav' || container === 'mp3')
    return fail('TypeMismatch', 'The file is audio, not a Video.');
  if (container !== 'video') return fail('FormatUndetectable', 'The video format could not be detected.');
  const movie = movieFacts(b);
  if (!movie) return fail('FormatUndetectable', 'The video container could not be parsed.');
  if (!movie.video) return fail('TypeMismatch', 'The file has no video stream, so it is not a Video.');
  const r = VIDEO_RULES;
  const { width, height, fps } = movie.video;
  const tooShortOrLong = checkDuration('Video', movie.seconds);
  if (tooShortOrLong) return tooShortOrLong;
  if (fps < r.minFps)
    return fail('FpsTooLow', `The video frame rate ${fps.toFixed(2)} is below ${r.minFps}.`);
  if (fps > r.maxFps)
    return fail('FpsTooHigh', `The video frame rate ${fps.toFixed(2)} exceeds ${r.maxFps}.`);
  const pixels = width * height;
  if (pixels < r.minPixels)
    return fail('PixelCountTooSmall', `The video has ${pixels} pixels per frame, below ${r.minPixels}.`);
  if (pixels > r.maxPixels)
    return fail('PixelCountTooLarge', `The video has ${pixels} pixels per frame, above ${r.maxPixels}.`);
  if (width < r.minSide) return fail('WidthTooSmall', `Video width ${width}px is below ${r.minSide}px.`);
  if (height < r.minSide) return fail('HeightTooSmall', `Video height ${height}px is below ${r.minSide}px.`);
  if (width > r.maxSide) return fail('WidthTooLarge', `Video width ${width}px is above ${r.maxSide}px.`);
  if (height > r.maxSide) return fail('HeightTooLarge', `Video height ${height}px is above ${r.maxSide}px.`);
  const aspect = width / height;
  if (aspect < r.minAspect)
    return fail('AspectRatioTooSmall', `Aspect ratio ${aspect.toFixed(3)} is below ${r.minAspect}.`);
  if (aspect > r.maxAspect)
    return fail('AspectRatioTooLarge', `Aspect ratio ${aspect.toFixed(3)} is above ${r.maxAspect}.`);
  return { ok: true, format: 'mp4', width, height, durationSeconds: movie.seconds };
}

export async function checkAudio(b: Uint8Array): Promise<CheckResult> {
  if (b.length > AUDIO_RULES.maxBytes) return tooLarge('Audio');
  const container = sniffContainer(b);
  if (container === 'video') return fail('TypeMismatch', 'The file is a video, not Audio.');
  if (container === 'image-heif' || (container === undefined && typeof detectImage(b) === 'object'))
    return fail('TypeMismatch', 'The file is an image, not Audio.');
  if (container === undefined) return fail('FormatUndetectable', 'The audio format could not be detected.');
  let format: { container?: string; codec?: string; duration?: number };
  try {
    ({ format } = await parseBuffer(b, undefined, { duration: true }));
  } catch {
    return fail('FormatUndetectable', 'The audio stream could not be parsed.');
  }
  const isWav = format.container === 'WAVE';
  const isMp3 = format.container === 'MPEG' && /Layer 3/.test(format.codec ?? '');
  if (!isWav && !isMp3)
    return fail(
      'FormatUnsupported',
      `Audio format ${format.codec ?? format.container ?? 'unknown'} is not supported.`,
    );
  if (format.duration === undefined)
    return fail('FormatUndetectable', 'The audio duration could not be read.');
  return (
    checkDuration('Audio', format.duration) ?? {
      ok: true,
      format: isWav ? 'wav' : 'mp3',
      durationSeconds: format.duration,
    }
  );
}

/** Images and videos are judged synchronously; audio through music-metadata's async parser. */
export async function checkMedia(type: AssetType, b: Uint8Array): Promise<CheckResult> {
  return type === 'Image' ? checkImage(b) : type === 'Video' ? checkVideo(b) : checkAudio(b);
}
