/**
 * MP4/QuickTime facts from the ISO-BMFF box tree, read in ranges. Hand-written rather than `mp4box`
 * because we need only a dozen fields (mvhd, tkhd, mdhd, hdlr, stts, stsd) and full control of which bytes
 * are read: mp4box wants the file appended in order and re-asks for ranges of its own choosing, while this
 * walker follows the top-level box sizes and asks for exactly the `moov` box. A file whose `moov` is first
 * is judged from the head read; one whose `moov` sits after `mdat` costs one more read at the offset the
 * box sizes give — never a download. The tests check every figure against mp4box on the same bytes.
 */
import type { ByteChunks, ByteRange } from '../image/byte-chunks';

export interface MovieTrack {
  /** hdlr handler type: `vide`, `soun`, … */
  handler: string;
  /** First sample entry's four-character code (`avc1`, `hvc1`, `mp4a`, …). */
  codec?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  sampleCount: number;
  /** Samples per second of media time (frames per second for video). */
  rate?: number;
}

export interface MovieFacts {
  durationSeconds: number;
  tracks: MovieTrack[];
}

export type MoviePlan =
  | { kind: 'ready'; movie: MovieFacts }
  | { kind: 'need'; range: ByteRange }
  | { kind: 'corrupt'; reason: string };

export interface MoviePlanOptions {
  /** Largest `moov` box accepted (a 30 s clip's is tens of KiB). */
  maxMoovBytes: number;
  /** When the bytes after the last known box are no more than this, one read takes them all. */
  tailBytes: number;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);
const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

function need(offset: number, length: number, fileSize: number): MoviePlan {
  return { kind: 'need', range: { offset, length: Math.max(1, Math.min(length, fileSize - offset)) } };
}

interface Box {
  type: string;
  /** Offset of the payload (after size, type and any largesize) within `data`. */
  body: number;
  end: number;
}

/** The child boxes of `data[from, to)`; a malformed size ends the walk with an error. */
function children(data: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  const v = view(data);
  let p = from;
  while (p + 8 <= to) {
    let size = v.getUint32(p);
    const type = fourcc(data, p + 4);
    let body = p + 8;
    if (size === 1) {
      if (p + 16 > to) throw new Error(`the ${type} box header is cut short`);
      size = Number(v.getBigUint64(p + 8));
      body = p + 16;
    } else if (size === 0) size = to - p;
    if (size < body - p || p + size > to) throw new Error(`the ${type} box at ${p} has size ${size}`);
    out.push({ type, body, end: p + size });
    p += size;
  }
  return out;
}

const child = (data: Uint8Array, parent: Box, type: string) =>
  children(data, parent.body, parent.end).find((b) => b.type === type);

function fullBoxTimes(data: Uint8Array, box: Box): { timescale: number; duration: number } {
  const v = view(data);
  const version = data[box.body] ?? 0;
  if (version === 1) {
    if (box.body + 32 > box.end) throw new Error('a version-1 time header is cut short');
    return { timescale: v.getUint32(box.body + 20), duration: Number(v.getBigUint64(box.body + 24)) };
  }
  if (box.body + 20 > box.end) throw new Error('a time header is cut short');
  return { timescale: v.getUint32(box.body + 12), duration: v.getUint32(box.body + 16) };
}

function trackOf(data: Uint8Array, trak: Box): MovieTrack {
  const v = view(data);
  const track: MovieTrack = { handler: '', sampleCount: 0 };
  const tkhd = child(data, trak, 'tkhd');
  if (tkhd) {
    const at = tkhd.body + ((data[tkhd.body] ?? 0) === 1 ? 88 : 76);
    if (at + 8 <= tkhd.end) {
      // 16.16 fixed point: the display size.
      const w = Math.round(v.getUint32(at) / 65536);
      const h = Math.round(v.getUint32(at + 4) / 65536);
      if (w > 0 && h > 0) Object.assign(track, { width: w, height: h });
    }
  }
  const mdia = child(data, trak, 'mdia');
  if (!mdia) return track;
  const hdlr = child(data, mdia, 'hdlr');
  if (hdlr && hdlr.body + 12 <= hdlr.end) track.handler = fourcc(data, hdlr.body + 8);
  const mdhd = child(data, mdia, 'mdhd');
  const times = mdhd ? fullBoxTimes(data, mdhd) : undefined;
  const stbl = ((m) => (m ? child(data, m, 'stbl') : undefined))(child(data, mdia, 'minf'));
  if (!stbl) return track;
  const stsd = child(data, stbl, 'stsd');
  if (stsd && stsd.body + 16 <= stsd.end) {
    track.codec = fourcc(data, stsd.body + 12);
    // A visual sample entry keeps its coded size 24 bytes into the entry's payload.
    const entry = stsd.body + 8;
    if (track.handler === 'vide' && entry + 36 <= stsd.end && track.width === undefined) {
      const w = v.getUint16(entry + 32);
      const h = v.getUint16(entry + 34);
      if (w > 0 && h > 0) Object.assign(track, { width: w, height: h });
    }
  }
  const stts = child(data, stbl, 'stts');
  let ticks = 0;
  if (stts && stts.body + 8 <= stts.end) {
    const count = v.getUint32(stts.body + 4);
    if (stts.body + 8 + count * 8 > stts.end) throw new Error('the stts table is cut short');
    for (let i = 0; i < count; i++) {
      const n = v.getUint32(stts.body + 8 + i * 8);
      track.sampleCount += n;
      ticks += n * v.getUint32(stts.body + 12 + i * 8);
    }
  }
  if (times && times.timescale > 0) {
    const mediaTicks = ticks > 0 ? ticks : times.duration;
    track.durationSeconds = times.duration / times.timescale;
    if (mediaTicks > 0 && track.sampleCount > 0)
      track.rate = (track.sampleCount * times.timescale) / mediaTicks;
  }
  return track;
}

/** Parses a whole `moov` box (header included). */
export function parseMoov(moov: Uint8Array): MovieFacts {
  const [root] = children(moov, 0, moov.length);
  if (!root || root.type !== 'moov') throw new Error('not a moov box');
  const boxes = children(moov, root.body, root.end);
  const mvhd = boxes.find((b) => b.type === 'mvhd');
  if (!mvhd) throw new Error('the moov box has no mvhd (movie header)');
  const times = fullBoxTimes(moov, mvhd);
  const tracks = boxes.filter((b) => b.type === 'trak').map((t) => trackOf(moov, t));
  let durationSeconds = times.timescale > 0 ? times.duration / times.timescale : 0;
  if (durationSeconds === 0) durationSeconds = Math.max(0, ...tracks.map((t) => t.durationSeconds ?? 0));
  return { durationSeconds, tracks };
}

/**
 * Walks the top-level boxes with the bytes at hand; asks for the next box header, or the whole `moov`,
 * when they are not. Past the last box header known, one read takes the rest of the file when it is
 * small (the usual moov-at-the-end layout), else just the next header.
 */
export function planMovie(chunks: ByteChunks, fileSize: number, opts: MoviePlanOptions): MoviePlan {
  let p = 0;
  while (p + 8 <= fileSize) {
    const header = chunks.get(p, 16) ?? chunks.get(p, 8);
    if (!header) {
      const rest = fileSize - p;
      return need(p, rest <= opts.tailBytes ? rest : 16, fileSize);
    }
    const type = fourcc(header, 4);
    let size = view(header).getUint32(0);
    if (size === 1) {
      if (header.length < 16) return need(p, 16, fileSize);
      size = Number(view(header).getBigUint64(8));
    } else if (size === 0) size = fileSize - p;
    if (size < 8) return { kind: 'corrupt', reason: `a box at byte ${p} has size ${size}` };
    if (type === 'moov') {
      if (size > opts.maxMoovBytes) return { kind: 'corrupt', reason: `the moov box is ${size} bytes long` };
      if (p + size > fileSize) return { kind: 'corrupt', reason: 'the moov box is cut short' };
      const moov = chunks.get(p, size);
      if (!moov) return need(p, size, fileSize);
      try {
        return { kind: 'ready', movie: parseMoov(moov) };
      } catch (e) {
        return { kind: 'corrupt', reason: `the moov box cannot be read (${(e as Error).message})` };
      }
    }
    if (type === 'moof') return { kind: 'corrupt', reason: 'fragmented MP4 (moof before any moov)' };
    p += size;
  }
  return { kind: 'corrupt', reason: 'the file has no moov box (movie header)' };
}
