/**
 * Object keys of the upload flow. The key is built only from the group ID (checked against upstream),
 * our own upload ID and an extension from a fixed list, so it never carries user-supplied text; the
 * parser is the trigger's test of "is this one of ours".
 */
import { UPLOAD_EXTENSIONS } from './content-types';
import { isUploadId } from './upload-id';

export const INCOMING_PREFIX = 'incoming/';
export const QUARANTINE_PREFIX = 'quarantine/';

const GROUP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface UploadKey {
  groupId: string;
  uploadId: string;
  ext: string;
}

export function uploadKey({ groupId, uploadId, ext }: UploadKey): string {
  if (!GROUP_ID.test(groupId)) throw new RangeError('invalid group ID for an upload key');
  if (!isUploadId(uploadId)) throw new RangeError('invalid upload ID for an upload key');
  if (!UPLOAD_EXTENSIONS.includes(ext)) throw new RangeError('invalid extension for an upload key');
  return `${INCOMING_PREFIX}${groupId}/${uploadId}.${ext}`;
}

export function parseUploadKey(key: string): UploadKey | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const parts = key.slice(INCOMING_PREFIX.length).split('/');
  if (parts.length !== 2) return undefined;
  const [groupId = '', file = ''] = parts;
  const dot = file.lastIndexOf('.');
  const uploadId = file.slice(0, dot);
  const ext = file.slice(dot + 1);
  if (dot < 0 || !GROUP_ID.test(groupId) || !isUploadId(uploadId) || !UPLOAD_EXTENSIONS.includes(ext))
    return undefined;
  return { groupId, uploadId, ext };
}

/** S3 event keys are URL-encoded with '+' for spaces; undefined when the encoding is broken. */
export function decodeEventKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export function quarantineKeyFor(key: string): string {
  return key.startsWith(INCOMING_PREFIX)
    ? QUARANTINE_PREFIX + key.slice(INCOMING_PREFIX.length)
    : QUARANTINE_PREFIX + key;
}
