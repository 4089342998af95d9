import { describe, expect, it } from 'vitest';
import { ByteChunks, inspectImage, planHeader, sniff } from '../../functions/core/image';
import {
  makeHeif,
  makeJpeg,
  makePng,
  makeTiff,
  memoryReader,
  metadataSegments,
} from '../support/image-corpus';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const opts = { followUpBytes: 8192, maxStructureBytes: 1024 * 1024 };

function bigTiff(width: number, height: number, ifdOffset: number): Uint8Array {
  const out = new Uint8Array(ifdOffset + 8 + 2 * 20 + 8);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2b, 0x00]);
  v.setUint16(4, 8, true);
  v.setBigUint64(8, BigInt(ifdOffset), true);
  v.setBigUint64(ifdOffset, 2n, true);
  [
    [256, width],
    [257, height],
  ].forEach(([tag, value], i) => {
    const at = ifdOffset + 8 + i * 20;
    v.setUint16(at, tag ?? 0, true);
    v.setUint16(at + 2, 4, true);
    v.setBigUint64(at + 4, 1n, true);
    v.setUint32(at + 12, value ?? 0, true);
  });
  return out;
}

describe('sniff', () => {
  it.each([
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['gif', [...ascii('GIF87a')]],
    ['tiff', [0x4d, 0x4d, 0x00, 0x2a]],
    ['tiff', [0x49, 0x49, 0x2b, 0x00]],
  ])('recognises %s by its magic bytes', (format, bytes) => {
    // Act
    const result = sniff(new Uint8Array([...bytes, ...new Uint8Array(32)]));
    // Assess
    expect(result).toMatchObject({ kind: 'image', format });
  });

  it('recognises HEIF by a compatible brand when the major brand is generic', () => {
    // Prepare
    const ftyp = new Uint8Array([0, 0, 0, 24, ...ascii('ftypisom'), 0, 0, 0, 0, ...ascii('mif1heic')]);
    // Act
    const result = sniff(ftyp);
    // Assess
    expect(result).toEqual({ kind: 'image', format: 'heic', mime: 'image/heif' });
  });

  it.each([
    ['  \n<svg xmlns="http://www.w3.org/2000/svg"></svg>', /SVG/],
    ['\ufeff<!doctype html><html></html>', /HTML/],
    ['<?xml version="1.0"?><note/>', /XML/],
    ['%PDF-1.4', /PDF/],
  ])('names the impostor %j', (text, label) => {
    // Act
    const result = sniff(new Uint8Array(Buffer.from(text, 'utf8')));
    // Assess
    expect(result.kind).toBe('foreign');
    expect(result.kind === 'foreign' ? result.label : '').toMatch(label);
  });

  it('refuses a BMP signature without a known DIB header size', () => {
    // Act
    const result = sniff(new Uint8Array([...ascii('BM'), ...new Uint8Array(30)]));
    // Assess
    expect(result).toEqual({ kind: 'unknown' });
  });
});

describe('planHeader', () => {
  it('asks for the TIFF directory where the header points, then rebuilds a compact header', () => {
    // Prepare
    const tiff = makeTiff({ width: 700, height: 500, ifdAtEnd: true, blank: true });
    const chunks = new ByteChunks();
    chunks.add(0, tiff.subarray(0, 4096));
    // Act
    const first = planHeader('tiff', chunks, tiff.length, opts);
    chunks.add(350_008, tiff.subarray(350_008));
    const second = planHeader('tiff', chunks, tiff.length, opts);
    // Assess
    expect(first).toEqual({ kind: 'need', range: { offset: 350_008, length: tiff.length - 350_008 } });
    expect(second.kind).toBe('ready');
    expect(second.kind === 'ready' ? second.header.length : 0).toBe(8 + 2 + 8 * 12 + 4);
  });

  it('reads BigTIFF directories at 64-bit offsets', async () => {
    // Prepare
    const tiff = bigTiff(1200, 900, 200_000);
    const reader = memoryReader(tiff);
    // Act
    const result = await inspectImage(reader.read, tiff.length);
    // Assess
    expect(result).toMatchObject({ format: 'tiff', width: 1200, height: 900, verdict: { ok: true } });
    expect(reader.calls.map((c) => c.offset)).toEqual([0, 200_000]);
  });

  it('walks JPEG segments to a frame header that is the first segment', async () => {
    // Prepare: SOI immediately followed by SOF0 (image-size alone cannot read this layout)
    const jpeg = makeJpeg({ width: 640, height: 480 });
    const sofAt = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    const bare = new Uint8Array([0xff, 0xd8, ...jpeg.subarray(sofAt)]);
    // Act
    const result = await inspectImage(memoryReader(bare).read, bare.length);
    // Assess
    expect(result).toMatchObject({ width: 640, height: 480, verdict: { ok: true } });
  });

  it('skips fill bytes between JPEG segments', async () => {
    // Prepare
    const jpeg = makeJpeg({ width: 800, height: 600 });
    const padded = new Uint8Array([0xff, 0xd8, 0xff, 0xff, ...jpeg.subarray(2)]);
    // Act
    const result = await inspectImage(memoryReader(padded).read, padded.length);
    // Assess
    expect(result).toMatchObject({ width: 800, height: 600 });
  });

  it('refuses lossless JPEG frames as unsupported', async () => {
    // Prepare
    const jpeg = makeJpeg({ width: 800, height: 600, sofMarker: 0xc3 });
    // Act
    const result = await inspectImage(memoryReader(jpeg).read, jpeg.length);
    // Assess
    expect(result.verdict).toMatchObject({ ok: false, code: 'FormatUnsupported' });
  });

  it('gives up after the configured number of reads', async () => {
    // Prepare: ~400 KB of metadata in seven 64 KiB segments
    const jpeg = makeJpeg({ width: 800, height: 600, appSegments: metadataSegments(400_000) });
    // Act
    const result = await inspectImage(memoryReader(jpeg).read, jpeg.length, { maxReads: 3 });
    // Assess
    expect(result.verdict).toMatchObject({ ok: false, code: 'ImageCorrupt' });
    expect(result.reads).toHaveLength(3);
  });

  it('reaches a frame header behind 400 KB of metadata within the default budget', async () => {
    // Prepare
    const jpeg = makeJpeg({ width: 800, height: 600, blocky: true, appSegments: metadataSegments(400_000) });
    // Act
    const result = await inspectImage(memoryReader(jpeg).read, jpeg.length);
    // Assess
    expect(result).toMatchObject({ width: 800, height: 600, verdict: { ok: true } });
    expect(result.bytesRead).toBeLessThan(jpeg.length / 3);
  });

  it('refuses a HEIF meta box larger than the structure limit', async () => {
    // Prepare
    const heif = makeHeif({ width: 1000, height: 1000, metaLast: true, mdatBytes: 100_000 });
    // Act
    const result = await inspectImage(memoryReader(heif).read, heif.length, { maxStructureBytes: 16 });
    // Assess
    expect(result.verdict).toMatchObject({ ok: false, code: 'ImageCorrupt' });
  });

  it('judges what is really there when the object is shorter than announced', async () => {
    // Prepare: HeadObject said 1 MB, the object now holds a 30-byte PNG fragment
    const png = makePng({ width: 500, height: 500 }).subarray(0, 20);
    // Act
    const result = await inspectImage(memoryReader(png).read, 1_000_000);
    // Assess
    expect(result.verdict).toMatchObject({ ok: false, code: 'ImageCorrupt' });
  });

  it('rejects a TIFF with an empty directory', async () => {
    // Prepare
    const tiff = makeTiff({ width: 400, height: 400 });
    new DataView(tiff.buffer).setUint16(8, 0, true);
    // Act
    const result = await inspectImage(memoryReader(tiff).read, tiff.length);
    // Assess
    expect(result.verdict).toMatchObject({ ok: false, code: 'ImageCorrupt', message: /empty/ });
  });
});
