/**
 * WAV and MP3 durations from their headers, read in ranges. Hand-written for the same reason as
 * iso-bmff.ts: a duration needs a few header fields (RIFF `fmt `/`data`; the first MPEG audio frame and
 * its Xing/Info or VBRI tag), and music-metadata's range tokenizer reads more and in its own order (it
 * also scans for tags at the end). The tests check every figure against music-metadata on the same bytes.
 *
 * WAV: duration = `data` size / byte rate. MP3: a VBR file carries its frame count in a Xing/Info or VBRI
 * tag inside the first frame; without one the stream is CBR and the duration is audio bytes × 8 / bitrate.
 */
import type { ByteChunks, ByteRange } from '../image/byte-chunks';

export interface AudioFacts {
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  /** For people: "PCM 16-bit", "MPEG-1 Layer III 128 kbps CBR", "… VBR (Xing)". */
  codec: string;
}

export type AudioPlan =
  | { kind: 'ready'; audio: AudioFacts }
  | { kind: 'need'; range: ByteRange }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'unsupported'; reason: string };

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

function need(offset: number, length: number, fileSize: number): AudioPlan {
  return { kind: 'need', range: { offset, length: Math.max(1, Math.min(length, fileSize - offset)) } };
}

// ----------------------------------------------------------------------------------------------- WAV

export function planWav(chunks: ByteChunks, fileSize: number, followUpBytes: number): AudioPlan {
  let fmt:
    { format: number; channels: number; sampleRate: number; byteRate: number; bits: number } | undefined;
  let p = 12;
  while (p + 8 <= fileSize) {
    const header = chunks.get(p, 8);
    if (!header) return need(p, followUpBytes, fileSize);
    const id = ascii(header, 0, 4);
    const size = view(header).getUint32(4, true);
    if (id === 'fmt ') {
      if (size < 16) return { kind: 'corrupt', reason: `the WAV fmt chunk has size ${size}` };
      const body = chunks.get(p + 8, 16);
      if (!body) return need(p, 8 + Math.max(size, 16), fileSize);
      const v = view(body);
      fmt = {
        format: v.getUint16(0, true),
        channels: v.getUint16(2, true),
        sampleRate: v.getUint32(4, true),
        byteRate: v.getUint32(8, true),
        bits: v.getUint16(14, true),
      };
    } else if (id === 'data') {
      if (!fmt) return { kind: 'corrupt', reason: 'the WAV data chunk comes before its fmt chunk' };
      if (fmt.byteRate === 0) return { kind: 'corrupt', reason: 'the WAV fmt chunk has a byte rate of 0' };
      // Streaming writers leave 0 or 0xFFFFFFFF; a cut file claims more than it has: count what is there.
      const present = fileSize - (p + 8);
      const bytes = size === 0 || size === 0xffffffff || size > present ? present : size;
      const codec =
        fmt.format === 1 || fmt.format === 0xfffe
          ? `PCM ${fmt.bits}-bit`
          : fmt.format === 3
            ? `float ${fmt.bits}-bit`
            : `WAV format 0x${fmt.format.toString(16)}`;
      return {
        kind: 'ready',
        audio: {
          durationSeconds: bytes / fmt.byteRate,
          sampleRate: fmt.sampleRate,
          channels: fmt.channels,
          codec,
        },
      };
    }
    p += 8 + size + (size % 2);
  }
  return { kind: 'corrupt', reason: 'the WAV file has no data chunk' };
}

// ----------------------------------------------------------------------------------------------- MP3

const BITRATES: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

interface FrameHeader {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  kbps: number;
  sampleRate: number;
  channels: number;
  samplesPerFrame: number;
  length: number;
}

export function frameHeader(b: Uint8Array, at: number): FrameHeader | undefined {
  if (at + 4 > b.length) return undefined;
  const b1 = b[at + 1] ?? 0;
  const b2 = b[at + 2] ?? 0;
  const b3 = b[at + 3] ?? 0;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = BITRATES[`${version === 1 ? 1 : 2}-${layer}`]?.[bitrateIndex] ?? 0;
  const sampleRate = SAMPLE_RATES[versionBits]?.[rateIndex] ?? 0;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + padding;
  return { version, layer, kbps, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2, samplesPerFrame, length };
}

/** Bytes of ID3v2 tag at the start (0 when none), footer included. */
export function id3v2Length(head: Uint8Array): number {
  if (head.length < 10 || ascii(head, 0, 3) !== 'ID3') return 0;
  const s = (i: number) => (head[6 + i] ?? 0) & 0x7f;
  const size = (s(0) << 21) | (s(1) << 14) | (s(2) << 7) | s(3);
  return 10 + size + ((head[5] ?? 0) & 0x10 ? 10 : 0);
}

/** How far past the tag we look for the first frame (encoders pad with zeros or junk). */
const SYNC_SCAN_BYTES = 4096;

export function planMp3(chunks: ByteChunks, fileSize: number, followUpBytes: number): AudioPlan {
  const tagHead = chunks.get(0, 10);
  const start = tagHead ? id3v2Length(tagHead) : 0;
  if (start >= fileSize) return { kind: 'corrupt', reason: 'the MP3 file holds only an ID3 tag' };
  const window = Math.min(SYNC_SCAN_BYTES + 2048, fileSize - start);
  const bytes = chunks.get(start, window);
  if (!bytes) return need(start, Math.max(window, followUpBytes), fileSize);
  let at = -1;
  let frame: FrameHeader | undefined;
  for (let i = 0; i < Math.min(SYNC_SCAN_BYTES, bytes.length - 4); i++) {
    const f = frameHeader(bytes, i);
    if (!f) continue;
    // A false sync rarely has a valid header exactly one frame later.
    const next = i + f.length;
    if (next + 4 <= bytes.length && !frameHeader(bytes, next)) continue;
    at = i;
    frame = f;
    break;
  }
  if (!frame || at < 0) return { kind: 'corrupt', reason: 'no MPEG audio frame near the start of the MP3' };
  if (frame.layer !== 3)
    return { kind: 'unsupported', reason: `MPEG audio layer ${frame.layer === 1 ? 'I' : 'II'} is not MP3` };
  const label = `MPEG-${frame.version} Layer III`;
  const mono = frame.channels === 1;
  const sideInfo = frame.version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const v = view(bytes);
  const xing = at + 4 + sideInfo;
  const tag = ascii(bytes, xing, 4);
  const facts = (frames: number, kind: string): AudioPlan => ({
    kind: 'ready',
    audio: {
      durationSeconds: (frames * frame.samplesPerFrame) / frame.sampleRate,
      sampleRate: frame.sampleRate,
      channels: frame.channels,
      codec: `${label} ${kind}`,
    },
  });
  if ((tag === 'Xing' || tag === 'Info') && xing + 12 <= bytes.length && v.getUint32(xing + 4) & 1)
    // The tag's own frame is silent and not counted in its frame total.
    return facts(v.getUint32(xing + 8), tag === 'Xing' ? 'VBR (Xing)' : 'CBR (Info)');
  const vbri = at + 36;
  if (ascii(bytes, vbri, 4) === 'VBRI' && vbri + 18 <= bytes.length)
    return facts(v.getUint32(vbri + 14), 'VBR (VBRI)');
  const audioBytes = fileSize - (start + at);
  return {
    kind: 'ready',
    audio: {
      durationSeconds: (audioBytes * 8) / (frame.kbps * 1000),
      sampleRate: frame.sampleRate,
      channels: frame.channels,
      codec: `${label} ${frame.kbps} kbps CBR`,
    },
  };
}
