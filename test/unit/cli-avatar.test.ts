import { inflateSync, crc32 } from 'node:zlib';
import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { makeAvatarPng } from '../../local/avatar';

function chunks(png: Buffer) {
  const out: { type: string; data: Buffer; crcOk: boolean }[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    const crcOk = png.readUInt32BE(at + 8 + len) === crc32(png.subarray(at + 4, at + 8 + len));
    out.push({ type, data, crcOk });
    at += 12 + len;
  }
  return out;
}

describe('makeAvatarPng (local/avatar.ts)', () => {
  it('makes a 768×1024 RGB PNG that image readers accept', () => {
    // Act
    const png = makeAvatarPng();

    // Assess
    expect(imageSize(png)).toMatchObject({ width: 768, height: 1024, type: 'png' });
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    expect(inflateSync(parts[1]?.data ?? Buffer.alloc(0)).length).toBe(1024 * (768 * 3 + 1));
  });

  it('draws a picture, not a flat fill, within the asset size rules', () => {
    // Act
    const png = makeAvatarPng({ width: 300, height: 400 });
    const raw = inflateSync(chunks(png)[1]?.data ?? Buffer.alloc(0));

    // Assess
    const colours = new Set<number>();
    for (let i = 0; i < raw.length; i += 3 * 37 + 1) colours.add(raw.readUIntBE(i, 3));
    expect(colours.size).toBeGreaterThan(20);
    expect(png.length).toBeLessThan(30 * 1024 * 1024);
  });
});
