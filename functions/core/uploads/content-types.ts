/**
 * Declared content types a client may upload, and the extension each is stored under. The declaration
 * is only a first filter (and the POST policy's Content-Type condition): the Validate step decides by
 * magic bytes.
 */

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/x-ms-bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

export const ACCEPTED_CONTENT_TYPES: readonly string[] = Object.keys(EXTENSIONS);
export const UPLOAD_EXTENSIONS: readonly string[] = [...new Set(Object.values(EXTENSIONS))];

/** The storage extension for a declared type, or undefined when the type is not an accepted image. */
export function extensionFor(contentType: string): string | undefined {
  return EXTENSIONS[contentType.trim().toLowerCase()];
}
