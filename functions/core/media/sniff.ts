/**
 * What a video/audio upload really is, from its first bytes: MP4 or QuickTime (ISO-BMFF `ftyp`, or an old
 * QuickTime file that starts with a top-level `moov`/`mdat`/`wide`/`free` box), WAV (RIFF/WAVE) or MP3
 * (an ID3v2 tag or an MPEG audio frame sync). Anything else is named through the image sniffer, so "a PNG
 * image" or "a PDF document" reads well in a TypeMismatch/FormatUnsupported reason.
 */
import { sniff as sniffImage } from '../image/sniff';
import { frameHeader } from './audio-headers';
import type { MediaKind } from './rules';

export type MediaContainer = 'mp4' | 'mov' | 'wav' | 'mp3';

export const CONTAINER_MIME: Record<MediaContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
};

export const CONTAINER_LABEL: Record<MediaContainer, string> = {
  mp4: 'an MP4 video',
  mov: 'a QuickTime (MOV) video',
  wav: 'WAV audio',
  mp3: 'MP3 audio',
};

export const CONTAINER_KIND: Record<MediaContainer, MediaKind> = {
  mp4: 'video',
  mov: 'video',
  wav: 'audio',
  mp3: 'audio',
};

export type MediaSniff =
  | { kind: 'media'; container: MediaContainer }
  | { kind: 'image'; label: string }
  | { kind: 'foreign'; label: string }
  | { kind: 'unknown' };

const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** Still-image and image-sequence brands of ISO-BMFF: not movies. */
const IMAGE_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);

export function sniffMedia(head: Uint8Array): MediaSniff {
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const major = ascii(head, 8, 12);
    if (IMAGE_BRANDS.has(major))
      return { kind: 'image', label: major.startsWith('avi') ? 'an AVIF image' : 'a HEIF image' };
    if (major === 'M4A ' || major === 'M4B ') return { kind: 'foreign', label: 'M4A audio' };
    return { kind: 'media', container: major === 'qt  ' ? 'mov' : 'mp4' };
  }
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(head, 4, 8)))
    return { kind: 'media', container: 'mov' };
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 12);
    if (form === 'WAVE') return { kind: 'media', container: 'wav' };
    if (form === 'AVI ') return { kind: 'foreign', label: 'an AVI video' };
  }
  if (ascii(head, 0, 3) === 'ID3' || frameHeader(head, 0)) return { kind: 'media', container: 'mp3' };
  if (ascii(head, 0, 4) === 'fLaC') return { kind: 'foreign', label: 'FLAC audio' };
  if (ascii(head, 0, 4) === 'OggS') return { kind: 'foreign', label: 'an Ogg file' };
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return { kind: 'foreign', label: 'a Matroska/WebM video' };
  const image = sniffImage(head);
  if (image.kind === 'image') return { kind: 'image', label: `a ${image.format.toUpperCase()} image` };
  if (image.kind === 'foreign') return image;
  return { kind: 'unknown' };
}
