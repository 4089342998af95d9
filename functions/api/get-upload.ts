/**
 * GET /groups/{groupId}/uploads/{uploadId}: the upload's record in the state table (written at every
 * transition of its ingest), never the Step Functions control plane. Another group's upload is a 404.
 */
import { uploadPathSchema } from '../core/api-schemas/uploads';
import { uploadStatus } from '../core/uploads';
import { apiHandler } from '../shared/api';
import { recordsFor } from '../shared/record-transition';

export const handler = apiHandler({ name: 'getUpload', path: uploadPathSchema }, async (req) => ({
  status: 200,
  body: await uploadStatus(recordsFor(), req.path.groupId, req.path.uploadId),
}));
