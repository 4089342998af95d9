/**
 * Minimal files whose headers state given dimensions, one per format the asset library accepts (and a
 * few it refuses). The simulator, like our ingest step, reads only headers, so these stand in for real
 * images of any size without committing megabytes of fixtures.
 */
import { crc32 } from 'node:zlib';

const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u16le = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}

export function png(width: number, height: number): Buffer {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function gif(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), u16le(width), u16le(height), Buffer.alloc(16)]);
}

export function bmp(width: number, height: number): Buffer {
  return Buffer.concat([
    Buffer.from('BM', 'latin1'),
    u32le(54),
    u32le(0),
    u32le(54),
    u32le(40),
    u32le(width),
    u32le(height),
    Buffer.alloc(28),
  ]);
}

export function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    (height >> 8) & 0xff,
    height & 0xff,
    (width >> 8) & 0xff,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

export function webp(width: number, height: number): Buffer {
  const vp8x = Buffer.concat([Buffer.from([0, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
  const chunk = Buffer.concat([Buffer.from('VP8X', 'latin1'), u32le(vp8x.length), vp8x]);
  return Buffer.concat([
    Buffer.from('RIFF', 'latin1'),
    u32le(4 + chunk.length),
    Buffer.from('WEBP', 'latin1'),
    chunk,
  ]);
}

export function tiff(width: number, height: number): Buffer {
  const entry = (tag: number, value: number) => Buffer.concat([u16le(tag), u16le(4), u32le(1), u32le(value)]);
  return Buffer.concat([
    Buffer.from([0x49, 0x49, 0x2a, 0x00]),
    u32le(8),
    u16le(2),
    entry(256, width),
    entry(257, height),
    u32le(0),
    Buffer.alloc(16),
  ]);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

export function heic(width: number, height: number, brand = 'heic'): Buffer {
  const ispe = box('ispe', Buffer.alloc(4), u32be(width), u32be(height));
  const meta = box('meta', Buffer.alloc(4), box('iprp', box('ipco', ispe)));
  return Buffer.concat([box('ftyp', Buffer.from(`${brand}`, 'latin1'), u32be(0)), meta]);
}

export function svg(width: number, height: number): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`);
}

/** Bytes no detector recognises. */
export const garbage = () => Buffer.from('this is not an image, just some text'.repeat(4));

/** A PCM WAV header stating `seconds` of 8 kHz mono 8-bit audio (data left out). */
export function wav(seconds: number): Buffer {
  const rate = 8000;
  return Buffer.concat([
    Buffer.from('RIFF', 'latin1'),
    u32le(36),
    Buffer.from('WAVEfmt ', 'latin1'),
    u32le(16),
    u16le(1),
    u16le(1),
    u32le(rate),
    u32le(rate),
    u16le(1),
    u16le(8),
    Buffer.from('data', 'latin1'),
    u32le(Math.round(seconds * rate)),
  ]);
}
