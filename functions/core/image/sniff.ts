/**
 * Magic-byte sniffing: decides what a file is from its first bytes, whatever its name or declared
 * Content-Type says. image-size's own detector is not used for this because it only knows image types:
 * we also need to name the usual impostors (SVG, PDF, HTML, AVIF, video) to give a useful reason.
 */
import type { ImageFormat } from './formats';

export type SniffResult =
  | { kind: 'image'; format: ImageFormat; mime: string }
  /** A recognisable file that is not an accepted image (label is for people: "a PDF document"). */
  | { kind: 'foreign'; label: string }
  | { kind: 'unknown' };

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const HEIF_BRANDS: Record<string, string> = {
  heic: 'image/heic',
  heix: 'image/heic',
  hevc: 'image/heic',
  hevx: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
};
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** ISO-BMFF (`ftyp`): HEIC/HEIF are images; AVIF and MP4/QuickTime are recognised but refused. */
function sniffIsoBmff(bytes: Uint8Array): SniffResult {
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0);
  const end = Math.min(bytes.length, Math.max(16, boxSize));
  const major = ascii(bytes, 8, 12);
  const compatible: string[] = [];
  for (let p = 16; p + 4 <= end; p += 4) compatible.push(ascii(bytes, p, p + 4));
  if (major === 'avif' || major === 'avis') return { kind: 'foreign', label: 'an AVIF image' };
  const brand = [major, ...compatible].find((b) => b in HEIF_BRANDS);
  if (brand) return { kind: 'image', format: 'heic', mime: HEIF_BRANDS[brand] ?? 'image/heif' };
  if (compatible.includes('avif')) return { kind: 'foreign', label: 'an AVIF image' };
  if (major === 'qt  ') return { kind: 'foreign', label: 'a QuickTime video' };
  return { kind: 'foreign', label: 'an MP4/ISO media file' };
}

/** Text formats: skip a BOM and leading whitespace, then look at the first tags. */
function sniffMarkup(bytes: Uint8Array): SniffResult | undefined {
  let p = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (
    p < bytes.length &&
    (bytes[p] === 0x20 || bytes[p] === 0x09 || bytes[p] === 0x0a || bytes[p] === 0x0d)
  )
    p++;
  if (bytes[p] !== 0x3c) return undefined; // '<'
  const text = ascii(bytes, p, p + 2048).toLowerCase();
  if (text.includes('<svg')) return { kind: 'foreign', label: 'an SVG drawing' };
  if (text.startsWith('<!doctype html') || /<(html|head|body)[\s>]/.test(text))
    return { kind: 'foreign', label: 'an HTML page' };
  if (text.startsWith('<?xml')) return { kind: 'foreign', label: 'an XML document' };
  return { kind: 'foreign', label: 'a text/markup file' };
}

export function sniff(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg', mime: 'image/jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', format: 'png', mime: 'image/png' };
  const head = ascii(bytes, 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a'))
    return { kind: 'image', format: 'gif', mime: 'image/gif' };
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP')
    return { kind: 'image', format: 'webp', mime: 'image/webp' };
  if (
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])
  )
    return { kind: 'image', format: 'tiff', mime: 'image/tiff' };
  if (head.startsWith('BM') && bytes.length >= 18) {
    const dib = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(14, true);
    if (BMP_DIB_HEADER_SIZES.has(dib)) return { kind: 'image', format: 'bmp', mime: 'image/bmp' };
  }
  if (bytes.length >= 12 && head.slice(4, 8) === 'ftyp') return sniffIsoBmff(bytes);
  if (head.startsWith('%PDF-')) return { kind: 'foreign', label: 'a PDF document' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'foreign', label: 'a ZIP archive' };
  if (startsWith(bytes, [0x1f, 0x8b])) return { kind: 'foreign', label: 'a gzip archive' };
  if (head.startsWith('RIFF')) return { kind: 'foreign', label: 'a RIFF media file' };
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return { kind: 'foreign', label: 'a Windows icon' };
  return sniffMarkup(bytes) ?? { kind: 'unknown' };
}
