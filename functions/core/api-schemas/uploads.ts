/**
 * Request schemas of the upload routes. The declared type and size are a first filter before any
 * presigned POST is signed; the Validate step re-checks the stored bytes whatever was declared.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { UPLOAD_ID_PATTERN } from '../ids';
import { ACCEPTED_CONTENT_TYPES } from '../uploads/content-types';
import { groupIdSchema } from './groups';

/** The largest object a presigned POST can upload. */
export const S3_POST_MAX_BYTES = 5 * 1024 ** 3;

export const uploadIdSchema = z
  .string()
  .check(z.regex(UPLOAD_ID_PATTERN, 'must be an upload ID (26 characters, as returned on creation)'));

export const createUploadBody = z.strictObject({
  /** Kept for the caller's own bookkeeping only: the object key never contains it. */
  fileName: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
  /**
   * Any media type passes the schema; the handler answers an unaccepted one with 400
   * UnsupportedContentType naming the accepted types (the catalogue's code for it).
   */
  contentType: z
    .string()
    .check(
      z.regex(
        /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
        'must be a media type such as image/png',
      ),
      z.describe(`Accepted: ${ACCEPTED_CONTENT_TYPES.join(', ')}`),
    ),
  /**
   * Only S3's own ceiling for a POST upload here: the limit of the declared kind is configuration
   * (MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, MAX_AUDIO_BYTES), checked by the handler, so a raised setting
   * takes effect instead of being answered first by a fixed schema bound.
   */
  contentLength: z
    .number()
    .check(
      z.int(),
      z.gte(1, 'the file is empty'),
      z.lte(S3_POST_MAX_BYTES, `must be at most ${S3_POST_MAX_BYTES} bytes (5 GiB)`),
    ),
});
export type CreateUploadBody = z.infer<typeof createUploadBody>;

export const uploadPathSchema = z.object({ groupId: groupIdSchema, uploadId: uploadIdSchema });
export const uploadGroupPathSchema = z.object({ groupId: groupIdSchema });
