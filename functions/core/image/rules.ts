/**
 * The upstream image rules (UPSTREAM.md, "Image rules", from the seed page) as verdicts a person can
 * read. Codes reuse the asset library's own failure codes where one exists, so a rejection here and a
 * `Failed` asset upstream read the same to a caller.
 */

export interface ImageRules {
  minSide: number;
  maxSide: number;
  /** width / height, inclusive bounds. */
  minAspect: number;
  maxAspect: number;
  /** Largest accepted file, in bytes ("< 30 MB"). */
  maxBytes: number;
}

export const IMAGE_RULES: ImageRules = {
  minSide: 300,
  maxSide: 6000,
  minAspect: 0.4,
  maxAspect: 2.5,
  maxBytes: 30 * 1024 * 1024 - 1,
};

export type RejectionCode =
  | 'EmptyFile'
  | 'FileSizeTooLarge'
  | 'FormatUnsupported'
  | 'FormatUndetectable'
  | 'ImageCorrupt'
  | 'WidthTooSmall'
  | 'HeightTooSmall'
  | 'WidthTooLarge'
  | 'HeightTooLarge'
  | 'AspectRatioTooSmall'
  | 'AspectRatioTooLarge';

export type Verdict = { ok: true } | { ok: false; code: RejectionCode; message: string };

export const ACCEPTED: Verdict = { ok: true };

export const reject = (code: RejectionCode, message: string): Verdict => ({ ok: false, code, message });

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;

/**
 * Shortest rendering of `value` (2 decimals or more) that does not read as equal to `limit`, so a
 * ratio of 2.503 is "2.503 is above 2.5", never "2.5 is above 2.5".
 */
export function formatRatio(value: number, limit: number): string {
  for (let digits = 2; digits <= 6; digits++) {
    const text = String(Number(value.toFixed(digits)));
    if (Number(text) !== limit) return text;
  }
  return String(value);
}

export function judgeSize(size: number, rules: ImageRules = IMAGE_RULES): Verdict {
  if (size <= 0) return reject('EmptyFile', 'the file is empty');
  if (size > rules.maxBytes)
    return reject(
      'FileSizeTooLarge',
      `file size ${mb(size)} is above the ${mb(rules.maxBytes + 1)} limit (${size} bytes)`,
    );
  return ACCEPTED;
}

export function judgeDimensions(width: number, height: number, rules: ImageRules = IMAGE_RULES): Verdict {
  if (width < rules.minSide) return reject('WidthTooSmall', `width ${width} px is below ${rules.minSide} px`);
  if (height < rules.minSide)
    return reject('HeightTooSmall', `height ${height} px is below ${rules.minSide} px`);
  if (width > rules.maxSide) return reject('WidthTooLarge', `width ${width} px is above ${rules.maxSide} px`);
  if (height > rules.maxSide)
    return reject('HeightTooLarge', `height ${height} px is above ${rules.maxSide} px`);
  const aspect = width / height;
  if (aspect < rules.minAspect)
    return reject(
      'AspectRatioTooSmall',
      `aspect ratio ${formatRatio(aspect, rules.minAspect)} is below ${rules.minAspect} (${width}×${height})`,
    );
  if (aspect > rules.maxAspect)
    return reject(
      'AspectRatioTooLarge',
      `aspect ratio ${formatRatio(aspect, rules.maxAspect)} is above ${rules.maxAspect} (${width}×${height})`,
    );
  return ACCEPTED;
}
