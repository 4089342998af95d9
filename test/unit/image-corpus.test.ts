import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../functions/core/image';
import { CORPUS, memoryReader } from '../support/image-corpus';

describe('image corpus', () => {
  it('has at least 20 images and all seven formats among the valid ones', () => {
    // Prepare
    const formats = new Set(CORPUS.flatMap((c) => (c.expect.ok ? [c.expect.format] : [])));
    // Assess
    expect(CORPUS.length).toBeGreaterThanOrEqual(20);
    expect([...formats].sort()).toEqual(['bmp', 'gif', 'heic', 'jpeg', 'png', 'tiff', 'webp']);
  });

  describe.each(CORPUS.map((c) => [c.name, c] as const))('%s', (_name, entry) => {
    it(`gets the expected verdict in ${entry.reads} ranged read(s), never reading the whole file`, async () => {
      // Prepare
      const bytes = entry.build();
      const reader = memoryReader(bytes);
      // Act
      const result = await inspectImage(reader.read, bytes.length);
      // Assess
      if (entry.expect.ok) {
        expect(result.verdict).toEqual({ ok: true });
        expect(result).toMatchObject({
          format: entry.expect.format,
          width: entry.expect.width,
          height: entry.expect.height,
        });
      } else {
        expect(result.verdict).toMatchObject({ ok: false, code: entry.expect.code });
        expect(result.verdict.ok ? '' : result.verdict.message).toMatch(entry.expect.message);
      }
      if (bytes.length > 0) expect(result.bytesRead).toBeLessThan(bytes.length);
      expect(result.bytesRead).toBe(
        reader.calls.reduce((n, c) => n + Math.min(c.length, bytes.length - c.offset), 0),
      );
      for (const call of reader.calls) expect(call.length).toBeLessThanOrEqual(64 * 1024);
      expect(reader.calls).toHaveLength(entry.reads);
      expect(result.reads).toHaveLength(entry.reads);
    });
  });

  it('agrees with image-size reading the whole file for every valid image it can parse whole', () => {
    // Prepare
    const valid = CORPUS.filter((c) => c.expect.ok);
    for (const entry of valid) {
      const bytes = entry.build();
      // Act
      const whole = imageSize(bytes);
      // Assess
      expect({ w: whole.width, h: whole.height }, entry.name).toEqual(
        entry.expect.ok ? { w: entry.expect.width, h: entry.expect.height } : {},
      );
    }
  });
});
