/**
 * The seven image formats the Ark asset library accepts (UPSTREAM.md, "Image rules"), with the MIME type
 * and file extension each one is served and stored under.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'tiff' | 'gif' | 'heic';

export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif', 'heic'];

const LABELS: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  bmp: 'BMP',
  tiff: 'TIFF',
  gif: 'GIF',
  heic: 'HEIC/HEIF',
};

export function formatLabel(format: ImageFormat): string {
  return LABELS[format];
}
