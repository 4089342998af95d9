/**
 * Builds small, valid media files in memory (there is no ffmpeg on the machine): ISO-BMFF movies with real
 * sample tables (stts/stsc/stsz/stco), WAV headers + PCM, MPEG-1 Layer III frames (CBR, and VBR with a
 * Xing tag). A movie can carry a large `mdat` as a virtual run of zero bytes, so a 200 MB MP4 costs no
 * memory: `VirtualFile.read` synthesises any range, like an S3 ranged GET, and counts the reads.
 */

export interface VirtualFile {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The whole file in memory (only for small files). */
  bytes(): Buffer;
}

type Part = Buffer | { zeros: number };

export function virtualFile(parts: Part[]): VirtualFile {
  const size = parts.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : p.zeros), 0);
  return {
    size,
    read(offset, length) {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let at = 0;
      for (const p of parts) {
        const len = Buffer.isBuffer(p) ? p.length : p.zeros;
        const from = Math.max(offset, at);
        const to = Math.min(offset + out.length, at + len);
        if (from < to && Buffer.isBuffer(p)) p.copy(out, from - offset, from - at, to - at);
        at += len;
      }
      return Promise.resolve(new Uint8Array(out));
    },
    bytes() {
      if (size > 64 * 1024 * 1024) throw new RangeError('too large to hold in memory');
      return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.alloc(p.zeros))));
    },
  };
}

// ------------------------------------------------------------------------------------------ ISO-BMFF

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const zeros = (n: number) => Buffer.alloc(n);
const str = (s: string) => Buffer.from(s, 'latin1');

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), str(type), body]);
}
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, u8(version), Buffer.from([(flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]), ...payload);

const MATRIX = Buffer.concat([
  u32(0x10000),
  u32(0),
  u32(0),
  u32(0),
  u32(0x10000),
  u32(0),
  u32(0),
  u32(0),
  u32(0x40000000),
]);

interface TrackSpec {
  id: number;
  handler: 'vide' | 'soun';
  timescale: number;
  delta: number;
  samples: number;
  sampleBytes: number;
  width?: number;
  height?: number;
  movieDuration: number;
}

function sampleEntry(t: TrackSpec): Buffer {
  if (t.handler === 'vide') {
    const avcC = box(
      'avcC',
      Buffer.from([1, 0x42, 0x00, 0x1e, 0xff, 0xe1]),
      u16(4),
      Buffer.from([0x67, 0x42, 0x00, 0x1e]),
      u8(1),
      u16(4),
      Buffer.from([0x68, 0xce, 0x3c, 0x80]),
    );
    return box(
      'avc1',
      zeros(6),
      u16(1),
      zeros(16),
      u16(t.width ?? 0),
      u16(t.height ?? 0),
      u32(0x00480000),
      u32(0x00480000),
      u32(0),
      u16(1),
      zeros(32),
      u16(0x18),
      Buffer.from([0xff, 0xff]),
      avcC,
    );
  }
  return box('mp4a', zeros(6), u16(1), zeros(8), u16(2), u16(16), u16(0), u16(0), u32(t.timescale << 16));
}

function trak(t: TrackSpec, chunkOffset: number): Buffer {
  const video = t.handler === 'vide';
  const tkhd = fullBox(
    'tkhd',
    0,
    3,
    u32(0),
    u32(0),
    u32(t.id),
    u32(0),
    u32(t.movieDuration),
    zeros(8),
    u16(0),
    u16(0),
    u16(video ? 0 : 0x0100),
    u16(0),
    MATRIX,
    u32((t.width ?? 0) * 65536),
    u32((t.height ?? 0) * 65536),
  );
  const mdhd = fullBox(
    'mdhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(t.timescale),
    u32(t.samples * t.delta),
    u16(0x55c4),
    u16(0),
  );
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    u32(0),
    str(t.handler),
    zeros(12),
    str(video ? 'VideoHandler\0' : 'SoundHandler\0'),
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(t)),
    fullBox('stts', 0, 0, u32(1), u32(t.samples), u32(t.delta)),
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(t.samples), u32(1)),
    fullBox(
      'stsz',
      0,
      0,
      u32(0),
      u32(t.samples),
      ...Array.from({ length: t.samples }, () => u32(t.sampleBytes)),
    ),
    fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
  );
  const minf = box(
    'minf',
    video ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4)),
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
    stbl,
  );
  return box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
}

export interface MovieSpec {
  brand?: 'isom' | 'mp42' | 'qt  ';
  width?: number;
  height?: number;
  /** Frames per second, as timescale / delta (30000/1001 for 29.97). */
  timescale?: number;
  delta?: number;
  seconds: number;
  video?: boolean;
  audio?: boolean;
  moov?: 'first' | 'last';
  /** Total file size to reach by growing `mdat` with virtual zero bytes. */
  fileSize?: number;
}

export function movie(spec: MovieSpec): VirtualFile {
  const timescale = spec.timescale ?? 30_000;
  const delta = spec.delta ?? 1_000;
  const movieTimescale = 1_000;
  const durationMs = Math.round(spec.seconds * 1000);
  const tracks: TrackSpec[] = [];
  if (spec.video ?? true)
    tracks.push({
      id: 1,
      handler: 'vide',
      timescale,
      delta,
      samples: Math.round((spec.seconds * timescale) / delta),
      sampleBytes: 200,
      width: spec.width ?? 1280,
      height: spec.height ?? 720,
      movieDuration: durationMs,
    });
  if (spec.audio)
    tracks.push({
      id: tracks.length + 1,
      handler: 'soun',
      timescale: 48_000,
      delta: 1024,
      samples: Math.round((spec.seconds * 48_000) / 1024),
      sampleBytes: 20,
      movieDuration: durationMs,
    });
  const brand = spec.brand ?? 'isom';
  const ftyp = box('ftyp', str(brand), u32(0x200), str(brand), str('isom'), str('mp41'));
  const payload = tracks.reduce((n, t) => n + t.samples * t.sampleBytes, 0);
  const build = (mdatStart: number) => {
    let offset = mdatStart + 8;
    const traks = tracks.map((t) => {
      const b = trak(t, offset);
      offset += t.samples * t.sampleBytes;
      return b;
    });
    const mvhd = fullBox(
      'mvhd',
      0,
      0,
      u32(0),
      u32(0),
      u32(movieTimescale),
      u32(durationMs),
      u32(0x10000),
      u16(0x0100),
      zeros(10),
      MATRIX,
      zeros(24),
      u32(tracks.length + 1),
    );
    return box('moov', mvhd, ...traks);
  };
  const moovSize = build(0).length;
  const fixed = ftyp.length + moovSize + 8;
  const mdatBody = Math.max(payload, (spec.fileSize ?? 0) - fixed);
  const mdatHeader = Buffer.concat([u32(8 + mdatBody), str('mdat')]);
  if ((spec.moov ?? 'first') === 'first') {
    const moov = build(ftyp.length + moovSize);
    return virtualFile([ftyp, moov, mdatHeader, { zeros: mdatBody }]);
  }
  const moov = build(ftyp.length);
  return virtualFile([ftyp, mdatHeader, { zeros: mdatBody }, moov]);
}

// ----------------------------------------------------------------------------------------------- WAV

export function wav(opts: {
  seconds: number;
  sampleRate?: number;
  channels?: number;
  listChunk?: boolean;
}): VirtualFile {
  const rate = opts.sampleRate ?? 44_100;
  const channels = opts.channels ?? 2;
  const byteRate = rate * channels * 2;
  const dataBytes = Math.round(opts.seconds * rate) * channels * 2;
  const le32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const le16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
  };
  const fmt = Buffer.concat([
    str('fmt '),
    le32(16),
    le16(1),
    le16(channels),
    le32(rate),
    le32(byteRate),
    le16(channels * 2),
    le16(16),
  ]);
  const info = Buffer.concat([str('INFOINAM'), le32(6), str('test\0\0')]);
  const list = opts.listChunk ? Buffer.concat([str('LIST'), le32(info.length), info]) : Buffer.alloc(0);
  const dataHeader = Buffer.concat([str('data'), le32(dataBytes)]);
  const riffSize = 4 + fmt.length + list.length + dataHeader.length + dataBytes;
  // A quiet square wave rather than silence, so decoders see real samples.
  const pcm = Buffer.alloc(dataBytes);
  for (let i = 0; i + 1 < dataBytes; i += 2) pcm.writeInt16LE(((i >> 7) & 1) === 0 ? 800 : -800, i);
  return virtualFile([Buffer.concat([str('RIFF'), le32(riffSize), str('WAVE'), fmt, list, dataHeader]), pcm]);
}

// ----------------------------------------------------------------------------------------------- MP3

/** MPEG-1 Layer III at 48 kHz, where every bitrate gives a whole frame length (144 × kbps / 48). */
const MP3_RATE = 48_000;
const MP3_BITRATE_INDEX: Record<number, number> = { 64: 5, 96: 7, 128: 9, 160: 10, 192: 11, 320: 14 };

function mp3Frame(kbps: number, fill?: (frame: Buffer) => void): Buffer {
  const index = MP3_BITRATE_INDEX[kbps];
  if (index === undefined) throw new RangeError(`no ${kbps} kbps in the table`);
  const frame = Buffer.alloc((144 * kbps * 1000) / MP3_RATE);
  frame.set([0xff, 0xfb, (index << 4) | (1 << 2), 0x40]); // MPEG-1, layer III, no CRC, 48 kHz, joint stereo
  fill?.(frame);
  return frame;
}

function id3(bytes: number): Buffer {
  const body = Buffer.alloc(bytes);
  const title = Buffer.concat([str('TIT2'), u32(5), u16(0), u8(0), str('test')]);
  title.copy(body);
  const s = bytes;
  return Buffer.concat([
    str('ID3'),
    Buffer.from([4, 0, 0, (s >> 21) & 0x7f, (s >> 14) & 0x7f, (s >> 7) & 0x7f, s & 0x7f]),
    body,
  ]);
}

export function mp3Cbr(opts: { seconds: number; kbps?: number; id3Bytes?: number }): VirtualFile {
  const kbps = opts.kbps ?? 128;
  const frames = Math.round((opts.seconds * MP3_RATE) / 1152);
  const frame = mp3Frame(kbps);
  return virtualFile([
    ...(opts.id3Bytes ? [id3(opts.id3Bytes)] : []),
    Buffer.concat(Array.from({ length: frames }, () => frame)),
  ]);
}

/** VBR: frames cycle through four bitrates; the first frame is a silent one carrying the Xing tag. */
export function mp3Vbr(opts: { seconds: number; id3Bytes?: number }): VirtualFile {
  const frames = Math.round((opts.seconds * MP3_RATE) / 1152);
  const cycle = [96, 128, 160, 192];
  const audio = Array.from({ length: frames }, (_, i) => mp3Frame(cycle[i % cycle.length] ?? 128));
  const audioBytes = audio.reduce((n, f) => n + f.length, 0);
  const xing = mp3Frame(128, (f) => {
    const at = 4 + 32;
    f.write('Xing', at, 'latin1');
    f.writeUInt32BE(0x3, at + 4); // frames + bytes present
    f.writeUInt32BE(frames, at + 8);
    f.writeUInt32BE(audioBytes + f.length, at + 12);
  });
  return virtualFile([...(opts.id3Bytes ? [id3(opts.id3Bytes)] : []), xing, ...audio]);
}

/** Counts the reads and bytes a range port served. */
export function countingReader(file: VirtualFile) {
  const stats = { reads: 0, bytes: 0 };
  const read = async (offset: number, length: number) => {
    const b = await file.read(offset, length);
    stats.reads++;
    stats.bytes += b.length;
    return b;
  };
  return { read, stats };
}
