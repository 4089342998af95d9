/**
 * Declared content types a client may upload, the extension each is stored under, and the asset kind it
 * declares. The declaration is only a first filter (and the POST policy's Content-Type condition): the
 * Validate step decides by magic bytes, against the kind the extension in the key records.
 */

export type UploadKind = 'image' | 'video' | 'audio';

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
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};

const KIND_OF_EXTENSION: Record<string, UploadKind> = {
  mp4: 'video',
  mov: 'video',
  wav: 'audio',
  mp3: 'audio',
};

export const ACCEPTED_CONTENT_TYPES: readonly string[] = Object.keys(EXTENSIONS);
export const UPLOAD_EXTENSIONS: readonly string[] = [...new Set(Object.values(EXTENSIONS))];

/** The storage extension for a declared type, or undefined when the type is not accepted. */
export function extensionFor(contentType: string): string | undefined {
  return EXTENSIONS[contentType.trim().toLowerCase()];
}

/** The asset kind an upload's extension declares (every image extension is `image`). */
export function kindOfExtension(ext: string): UploadKind {
  return KIND_OF_EXTENSION[ext.toLowerCase()] ?? 'image';
}

/** The asset kind of a declared content type, or undefined when the type is not accepted. */
export function kindOfContentType(contentType: string): UploadKind | undefined {
  const ext = extensionFor(contentType);
  return ext === undefined ? undefined : kindOfExtension(ext);
}

/** The upstream AssetType of a kind. */
export const ASSET_TYPE_OF_KIND = { image: 'Image', video: 'Video', audio: 'Audio' } as const;
