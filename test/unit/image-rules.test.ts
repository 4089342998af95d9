import { describe, expect, it } from 'vitest';
import { IMAGE_RULES, formatRatio, judgeDimensions, judgeSize } from '../../functions/core/image';

describe('judgeDimensions', () => {
  it.each([
    [300, 300],
    [6000, 6000],
    [1000, 400],
    [400, 1000],
    [2500, 1000],
  ])('accepts %i×%i (bounds are inclusive)', (w, h) => {
    // Act
    const verdict = judgeDimensions(w, h);
    // Assess
    expect(verdict).toEqual({ ok: true });
  });

  it.each([
    [299, 500, 'WidthTooSmall', 'width 299 px is below 300 px'],
    [500, 299, 'HeightTooSmall', 'height 299 px is below 300 px'],
    [6001, 4000, 'WidthTooLarge', 'width 6001 px is above 6000 px'],
    [4000, 6001, 'HeightTooLarge', 'height 6001 px is above 6000 px'],
    [390, 1000, 'AspectRatioTooSmall', 'aspect ratio 0.39 is below 0.4 (390×1000)'],
    [2610, 1000, 'AspectRatioTooLarge', 'aspect ratio 2.61 is above 2.5 (2610×1000)'],
    [2503, 1000, 'AspectRatioTooLarge', 'aspect ratio 2.503 is above 2.5 (2503×1000)'],
  ])('rejects %i×%i with %s', (w, h, code, message) => {
    // Act
    const verdict = judgeDimensions(w, h);
    // Assess
    expect(verdict).toEqual({ ok: false, code, message });
  });
});

describe('judgeSize', () => {
  it('accepts one byte under 30 MiB and rejects 30 MiB', () => {
    // Act
    const under = judgeSize(IMAGE_RULES.maxBytes);
    const at = judgeSize(IMAGE_RULES.maxBytes + 1);
    // Assess
    expect(under).toEqual({ ok: true });
    expect(at).toMatchObject({
      ok: false,
      code: 'FileSizeTooLarge',
      message: /30 MB is above the 30 MB limit/,
    });
  });

  it('rejects an empty file', () => {
    // Act
    const verdict = judgeSize(0);
    // Assess
    expect(verdict).toEqual({ ok: false, code: 'EmptyFile', message: 'the file is empty' });
  });
});

describe('formatRatio', () => {
  it('never renders a value as its limit', () => {
    // Act
    const close = formatRatio(2.5000004, 2.5);
    // Assess
    expect(close).toBe('2.5000004');
    expect(formatRatio(0.3999, 0.4)).toBe('0.3999');
  });
});
