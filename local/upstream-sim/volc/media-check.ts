/**
 * The checks upstream runs on a CreateAsset file, with the failure codes integrators have seen
 * (UPSTREAM.md §1). Images: format by magic bytes and dimensions from the header (image-size), the same
 * way our ingest step inspects them; no pixel decoding. Video/audio: container magic, size, and the
 * duration when the header states it (MP4 `mvhd`, WAV byte rate).
 */
import { imageSize } from 'image-size';
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

export const VIDEO_RULES = { maxBytes: 50 * 1024 * 1024, minSeconds: 2, maxSeconds: 15 };
export const AUDIO_RULES = { maxBytes: 15 * 1024 * 1024, minSeconds: 2, maxSeconds: 15 };

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

/** Seconds from the first `mvhd` box found in the file, when the header is there. */
export function mp4DurationSeconds(b: Uint8Array): number | undefined {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const at = buf.indexOf('mvhd', 0, 'latin1');
  if (at < 4) return undefined;
  const version = buf[at + 4];
  const base = at + 8; // after type, version and flags
  if (version === 1) {
    if (base + 28 > buf.length) return undefined;
    const timescale = buf.readUInt32BE(base + 16);
    const duration = Number(buf.readBigUInt64BE(base + 20));
    return timescale > 0 ? duration / timescale : undefined;
  }
  if (base + 16 > buf.length) return undefined;
  const timescale = buf.readUInt32BE(base + 8);
  const duration = buf.readUInt32BE(base + 12);
  return timescale > 0 ? duration / timescale : undefined;
}

/** Seconds of a PCM WAV from its byte rate and `data` chunk size. */
export function wavDurationSeconds(b: Uint8Array): number | undefined {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const fmt = buf.indexOf('fmt ', 12, 'latin1');
  const data = buf.indexOf('data', 12, 'latin1');
  if (fmt < 0 || data < 0 || fmt + 20 > buf.length || data + 8 > buf.length) return undefined;
  const byteRate = buf.readUInt32LE(fmt + 16);
  return byteRate > 0 ? buf.readUInt32LE(data + 4) / byteRate : undefined;
}

function checkDuration(type: 'Video' | 'Audio', seconds: number | undefined): CheckResult | undefined {
  if (seconds === undefined) return undefined;
  const rules = type === 'Video' ? VIDEO_RULES : AUDIO_RULES;
  // Codes not published; named like the image ones.
  if (seconds < rules.minSeconds)
    return fail('DurationTooShort', `${type} lasts ${seconds.toFixed(2)} s (< 2 s).`);
  if (seconds > rules.maxSeconds)
    return fail('DurationTooLong', `${type} lasts ${seconds.toFixed(2)} s (> 15 s).`);
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
  const durationSeconds = mp4DurationSeconds(b);
  return checkDuration('Video', durationSeconds) ?? { ok: true, format: 'mp4', durationSeconds };
}

export function checkAudio(b: Uint8Array): CheckResult {
  if (b.length > AUDIO_RULES.maxBytes) return tooLarge('Audio');
  const container = sniffContainer(b);
  if (container === 'video') return fail('TypeMismatch', 'The file is a video, not Audio.');
  if (container === 'image-heif' || (container === undefined && typeof detectImage(b) === 'object'))
    return fail('TypeMismatch', 'The file is an image, not Audio.');
  if (container === undefined) return fail('FormatUndetectable', 'The audio format could not be detected.');
  const durationSeconds = container === 'wav' ? wavDurationSeconds(b) : undefined;
  return checkDuration('Audio', durationSeconds) ?? { ok: true, format: container, durationSeconds };
}

export function checkMedia(type: AssetType, b: Uint8Array): CheckResult {
  return type === 'Image' ? checkImage(b) : type === 'Video' ? checkVideo(b) : checkAudio(b);
}
