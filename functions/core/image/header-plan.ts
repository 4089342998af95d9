/**
 * Where the dimensions of an image live, and which bytes to read next to reach them. Most formats keep
 * them in the first few dozen bytes; three do not:
 *  - TIFF points to its first IFD with an offset that may be anywhere (writers often put it at the end);
 *  - JPEG keeps its frame header (SOF) after any number of APPn segments (EXIF, ICC, XMP, up to 64 KiB each);
 *  - HEIC keeps sizes in the `meta` box, which some writers place after the `mdat` box.
 * The walkers below follow the file's own offsets and ask for one small range at a time, so a 20 MB TIFF
 * costs two short reads instead of a full download. When every byte needed is at hand, they return a
 * small buffer image-size can parse — the head itself, or a compact header rebuilt from the pieces.
 */
import type { ByteChunks, ByteRange } from './byte-chunks';
import type { ImageFormat } from './formats';

export type HeaderPlan =
  | { kind: 'ready'; header: Uint8Array }
  | { kind: 'need'; range: ByteRange }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'unsupported'; reason: string };

export interface PlanOptions {
  /** Size of follow-up reads when only a position is known (not how much is needed there). */
  followUpBytes: number;
  /** Largest header structure (HEIF `meta` box, TIFF IFD) we agree to read. */
  maxStructureBytes: number;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);

function need(offset: number, length: number, fileSize: number): HeaderPlan {
  return { kind: 'need', range: { offset, length: Math.max(1, Math.min(length, fileSize - offset)) } };
}

/** The first `length` bytes when the head read covers them, else undefined. */
function prefix(chunks: ByteChunks, length: number): Uint8Array | undefined {
  return chunks.contiguousPrefix >= length ? chunks.get(0, length) : undefined;
}

// ---------------------------------------------------------------------------------------------- TIFF

function planTiff(chunks: ByteChunks, fileSize: number, opts: PlanOptions): HeaderPlan {
  const head = chunks.get(0, 16) ?? chunks.get(0, 8);
  if (!head || head.length < 8) return { kind: 'corrupt', reason: 'the TIFF header is cut short' };
  const le = head[0] === 0x49;
  const big = view(head).getUint16(2, le) === 43;
  if (big && head.length < 16) return { kind: 'corrupt', reason: 'the BigTIFF header is cut short' };
  const ifdOffset = big ? Number(view(head).getBigUint64(8, le)) : view(head).getUint32(4, le);
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const headerSize = big ? 16 : 8;
  if (ifdOffset < headerSize || ifdOffset + countSize > fileSize)
    return {
      kind: 'corrupt',
      reason: `the TIFF directory offset ${ifdOffset} is outside the ${fileSize}-byte file`,
    };
  const countBytes = chunks.get(ifdOffset, countSize);
  if (!countBytes) return need(ifdOffset, opts.followUpBytes, fileSize);
  const count = big ? Number(view(countBytes).getBigUint64(0, le)) : view(countBytes).getUint16(0, le);
  if (count === 0) return { kind: 'corrupt', reason: 'the TIFF directory is empty' };
  // The directory plus the next-directory pointer: image-size wants a byte after the last entry.
  const ifdLength = countSize + count * entrySize + (big ? 8 : 4);
  if (ifdLength > opts.maxStructureBytes)
    return { kind: 'corrupt', reason: `the TIFF directory claims ${count} entries` };
  if (ifdOffset + ifdLength > fileSize) return { kind: 'corrupt', reason: 'the TIFF directory is cut short' };
  const whole = prefix(chunks, ifdOffset + ifdLength);
  if (whole) return { kind: 'ready', header: whole };
  const ifd = chunks.get(ifdOffset, ifdLength);
  if (!ifd) return need(ifdOffset, ifdLength, fileSize);
  // Compact TIFF: the original header with its directory offset rewritten to sit right after it.
  const compact = new Uint8Array(headerSize + ifdLength);
  compact.set(head.subarray(0, headerSize));
  if (big) view(compact).setBigUint64(8, BigInt(headerSize), le);
  else view(compact).setUint32(4, headerSize, le);
  compact.set(ifd, headerSize);
  return { kind: 'ready', header: compact };
}

// ---------------------------------------------------------------------------------------------- JPEG

/** Baseline, extended and progressive Huffman frames: what image-size and the upstream decoder handle. */
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

function planJpeg(chunks: ByteChunks, fileSize: number, opts: PlanOptions): HeaderPlan {
  let p = 2;
  for (;;) {
    if (p + 4 > fileSize) return { kind: 'corrupt', reason: 'the JPEG ends before its frame header' };
    const marker = chunks.get(p, 4);
    if (!marker) return need(p, opts.followUpBytes, fileSize);
    if (marker[0] !== 0xff) return { kind: 'corrupt', reason: `no JPEG marker at byte ${p}` };
    const code = marker[1] ?? 0;
    if (code === 0xff) {
      p += 1; // fill byte
      continue;
    }
    if (isStandalone(code)) {
      p += 2;
      continue;
    }
    if (code === 0xd9 || code === 0xda)
      return { kind: 'corrupt', reason: 'the JPEG has no frame header before its image data' };
    const length = view(marker).getUint16(2);
    if (length < 2) return { kind: 'corrupt', reason: `a JPEG segment at byte ${p} has length ${length}` };
    if (isSof(code)) {
      if (!SUPPORTED_SOF.has(code))
        return { kind: 'unsupported', reason: 'lossless or arithmetic-coded JPEG is not supported' };
      if (length < 8) return { kind: 'corrupt', reason: 'the JPEG frame header is cut short' };
      if (p + 2 + length > fileSize)
        return { kind: 'corrupt', reason: 'the JPEG ends inside its frame header' };
      const sof = chunks.get(p, 2 + length);
      if (!sof) return need(p, 2 + length, fileSize);
      // Always a compact JPEG (SOI, an empty APP0, the frame header): image-size looks for the frame
      // header after a first segment, so a file whose first segment is SOF would defeat it otherwise.
      const compact = new Uint8Array(6 + sof.length);
      compact.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02]);
      compact.set(sof, 6);
      return { kind: 'ready', header: compact };
    }
    p += 2 + length;
  }
}

// ---------------------------------------------------------------------------------------------- HEIF

const IMAGE_SIZE_HEIF_BRANDS = new Set(['mif1', 'msf1', 'heic', 'heix', 'hevc', 'hevx']);

function planHeif(chunks: ByteChunks, fileSize: number, opts: PlanOptions): HeaderPlan {
  let p = 0;
  let ftyp: Uint8Array | undefined;
  while (p + 8 <= fileSize) {
    const box = chunks.get(p, 16) ?? chunks.get(p, 8);
    if (!box) return need(p, opts.followUpBytes, fileSize);
    const type = String.fromCharCode(...box.subarray(4, 8));
    let size = view(box).getUint32(0);
    if (size === 1) {
      if (box.length < 16) return need(p, 16, fileSize);
      size = Number(view(box).getBigUint64(8));
    } else if (size === 0) size = fileSize - p;
    if (size < 8) return { kind: 'corrupt', reason: `an ISO-BMFF box at byte ${p} has size ${size}` };
    if (type === 'ftyp') {
      if (size < 16 || size > 4096) return { kind: 'corrupt', reason: `the ftyp box has size ${size}` };
      ftyp = chunks.get(p, size);
      if (!ftyp) return need(p, size, fileSize);
    } else if (type === 'meta') {
      if (!ftyp) return { kind: 'corrupt', reason: 'the HEIF file has no ftyp box before its meta box' };
      if (size > opts.maxStructureBytes)
        return { kind: 'corrupt', reason: `the HEIF meta box is ${size} bytes long` };
      if (p + size > fileSize) return { kind: 'corrupt', reason: 'the HEIF meta box is cut short' };
      const meta = chunks.get(p, size);
      if (!meta) return need(p, size, fileSize);
      // Compact HEIF: ftyp + meta. image-size only knows a few major brands, so a file recognised by a
      // compatible brand is relabelled `mif1` (the generic HEIF brand) for it.
      const compact = new Uint8Array(ftyp.length + meta.length);
      compact.set(ftyp);
      if (!IMAGE_SIZE_HEIF_BRANDS.has(String.fromCharCode(...ftyp.subarray(8, 12))))
        compact.set([0x6d, 0x69, 0x66, 0x31], 8);
      compact.set(meta, ftyp.length);
      return { kind: 'ready', header: compact };
    }
    p += size;
  }
  return { kind: 'corrupt', reason: 'the HEIF file has no meta box' };
}

// ------------------------------------------------------------------------------------ fixed headers

/** Bytes from the start that hold the dimensions of formats with a fixed header. */
const FIXED_HEADER_BYTES: Partial<Record<ImageFormat, number>> = { png: 24, gif: 10, bmp: 26, webp: 30 };

export function planHeader(
  format: ImageFormat,
  chunks: ByteChunks,
  fileSize: number,
  opts: PlanOptions,
): HeaderPlan {
  if (format === 'tiff') return planTiff(chunks, fileSize, opts);
  if (format === 'jpeg') return planJpeg(chunks, fileSize, opts);
  if (format === 'heic') return planHeif(chunks, fileSize, opts);
  const length = FIXED_HEADER_BYTES[format] ?? 32;
  const header = prefix(chunks, length);
  return header
    ? { kind: 'ready', header }
    : { kind: 'corrupt', reason: `the ${format.toUpperCase()} header is cut short` };
}
