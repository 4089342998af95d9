/** Uploads (presigned POST, status): rows of the route table (lib/routes.ts composes every area in one table). */
import {
  createUploadBody,
  uploadGroupPathSchema,
  uploadPathSchema,
} from '../../functions/core/api-schemas/uploads';
import { defineRoutes } from './row';

export const uploadRoutes = defineRoutes({
  createUpload: {
    method: 'POST',
    path: '/groups/{groupId}/uploads',
    handler: 'functions/api/create-upload.ts',
    summary: 'Validate a declared image and return a presigned POST',
    access: ['upstream', 'bucket:presign-upload', 'records:write'],
    status: 201,
    request: { path: uploadGroupPathSchema, body: createUploadBody },
    errors: ['FileTooLarge', 'UnsupportedContentType', 'NotFound'],
  },
  getUpload: {
    method: 'GET',
    path: '/groups/{groupId}/uploads/{uploadId}',
    handler: 'functions/api/get-upload.ts',
    summary: 'Status of one upload and its asset',
    access: ['records:read', 'upstream', 'bucket:read-replaced'],
    status: 200,
    request: { path: uploadPathSchema },
    errors: ['NotFound'],
  },
});
