/**
 * The bucket's layout, the one place for it: its prefixes (lifecycle rules and IAM grants in lib/, the
 * local stack's upload trigger filter) and every object key the functions build. An upload key is built
 * only from the group ID (checked against upstream), our own upload ID and an extension from a fixed
 * list, so it never carries user-supplied text; the parser is the trigger's test of "is this one of ours".
 */
import { isUploadId } from './ids';
import { UPLOAD_EXTENSIONS } from './uploads/content-types';

export const PREFIX = {
  /** Presigned POST targets; expire after a day. */
  incoming: 'incoming/',
  /**
   * Where Validate pins the bytes it checked (a copy conditioned on their ETag). No presigned POST can
   * write here (every form is for one incoming/ key), so what CreateAsset hands upstream cannot change.
   */
  validated: 'validated/',
  /** Rejected uploads and replacements, kept 7 days for support. */
  quarantine: 'quarantine/',
  /** Saved videos and last frames. */
  videos: 'videos/',
  /** Idempotency records of POST /groups. */
  idempotency: 'idempotency/',
} as const;

export const INCOMING_PREFIX = PREFIX.incoming;
export const QUARANTINE_PREFIX = PREFIX.quarantine;
export const VALIDATED_PREFIX = PREFIX.validated;
export const GROUP_IDEMPOTENCY_PREFIX = `${PREFIX.idempotency}groups/`;

/** The saved files of a video. */
export const videoKeys = (videoId: string) => ({
  video: `${PREFIX.videos}${videoId}/video.mp4`,
  lastFrame: `${PREFIX.videos}${videoId}/last-frame.png`,
});

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

const underPrefix = (prefix: string, key: string) =>
  key.startsWith(INCOMING_PREFIX) ? prefix + key.slice(INCOMING_PREFIX.length) : prefix + key;

export function quarantineKeyFor(key: string): string {
  return underPrefix(QUARANTINE_PREFIX, key);
}

export function validatedKeyFor(key: string): string {
  return underPrefix(VALIDATED_PREFIX, key);
}

/** Where an object posted over an upload after its ingest started is kept (`….replaced.png`). */
export function replacedKeyFor(key: string): string {
  const q = quarantineKeyFor(key);
  const dot = q.lastIndexOf('.');
  return dot < 0 ? `${q}.replaced` : `${q.slice(0, dot)}.replaced${q.slice(dot)}`;
}

/** ETags come quoted from HeadObject and unquoted in S3 event records. */
export function bareETag(etag: string | undefined): string | undefined {
  return etag?.replace(/^(W\/)?"|"$/g, '');
}
