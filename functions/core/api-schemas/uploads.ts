/**
 * Request schemas of the upload routes. The declared type and size are a first filter before any
 * presigned POST is signed; the Validate step re-checks the stored bytes whatever was declared.
 */
import * as z from 'zod';
import { UPLOAD_ID_PATTERN } from '../ids';
import { IMAGE_RULES } from '../image/rules';
import { ACCEPTED_CONTENT_TYPES } from '../uploads/content-types';
import { groupIdSchema } from './groups';

export const uploadIdSchema = z
  .string()
  .regex(UPLOAD_ID_PATTERN, 'must be an upload ID (26 characters, as returned on creation)');

export const createUploadBody = z.strictObject({
  /** Kept for the caller's own bookkeeping only: the object key never contains it. */
  fileName: z.string().trim().min(1).max(255),
  /**
   * Any media type passes the schema; the handler answers an unaccepted one with 400
   * UnsupportedContentType naming the accepted types (the catalogue's code for it).
   */
  contentType: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
      'must be a media type such as image/png',
    )
    .describe(`Accepted: ${ACCEPTED_CONTENT_TYPES.join(', ')}`),
  /** The size limit is the setting MAX_IMAGE_BYTES (at most upstream's 30 MB), checked by the handler. */
  contentLength: z
    .number()
    .int()
    .min(1, 'the file is empty')
    .describe(`At most ${IMAGE_RULES.maxBytes} bytes`),
});
export type CreateUploadBody = z.infer<typeof createUploadBody>;

export const uploadPathSchema = z.object({ groupId: groupIdSchema, uploadId: uploadIdSchema });
export const uploadGroupPathSchema = z.object({ groupId: groupIdSchema });

export const uploadSchemas = {
  createUpload: { path: uploadGroupPathSchema, body: createUploadBody },
  getUpload: { path: uploadPathSchema },
};
