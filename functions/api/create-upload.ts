/**
 * POST /groups/{groupId}/uploads: checks the declared file and that the group exists, then signs a
 * presigned POST for exactly one key, `incoming/{groupId}/{uploadId}.{ext}`, with the declared size as
 * the content-length-range and the declared Content-Type as a condition. The upload ID carries its
 * The upload's record (with the file name) is written before the answer, so GET .../uploads/{id} finds it.
 */
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { loadConfig, required } from '../core/config';
import { ApiError, UpstreamError, notFound } from '../core/errors';
import { uploadRoutes } from '../../lib/route-rows/uploads';
import {
  ACCEPTED_CONTENT_TYPES,
  extensionFor,
  kindOfExtension,
  newUploadId,
  registerUpload,
  uploadKey,
} from '../core/uploads';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { ttlSecondsOf } from '../shared/dynamodb';
import { recordsFor } from '../shared/record-transition';
import { s3Client } from '../shared/s3';

export const handler = apiHandler(uploadRoutes.createUpload, async (req) => {
  const config = loadConfig();
  const bucket = required(config.bucketName, 'BUCKET_NAME');
  const groupId = req.path.groupId;
  const { contentType, contentLength } = req.body;
  const ext = extensionFor(contentType);
  if (!ext)
    throw new ApiError('UnsupportedContentType', `${contentType} is not an accepted content type`, {
      accepted: ACCEPTED_CONTENT_TYPES,
    });
  const kind = kindOfExtension(ext);
  const limit = kind === 'image' ? config.maxImageBytes : config.mediaRules[kind].maxBytes;
  if (contentLength > limit)
    throw new ApiError(
      'FileTooLarge',
      `contentLength ${contentLength} is above the ${limit}-byte limit for ${kind} uploads`,
      { kind, maxBytes: limit },
    );

  try {
    await assetsClient(config).getAssetGroup(groupId);
  } catch (e) {
    if (e instanceof UpstreamError && e.code.startsWith('NotFound')) throw notFound('group', groupId);
    // The check is a courtesy, and GetAssetGroup's 10 QPS would cap every client's upload rate (bench:
    // 188 of 300 simultaneous uploads refused): when throttled, go ahead; ingest reports a missing group.
    if (!(e instanceof UpstreamError && e.throttled)) throw e;
  }

  const now = new Date();
  const uploadId = newUploadId(now);
  const key = uploadKey({ groupId, uploadId, ext });
  const upload = await createPresignedPost(s3Client(config), {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['content-length-range', contentLength, contentLength],
      ['eq', '$Content-Type', contentType],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: config.uploadUrlTtlSeconds,
  });
  const expiresAt = new Date(now.getTime() + config.uploadUrlTtlSeconds * 1000);
  await registerUpload(
    recordsFor(config),
    {
      uploadId,
      groupId,
      fileName: req.body.fileName,
      contentType,
      contentLength,
      createdAt: now,
      uploadExpiresAt: expiresAt,
    },
    ttlSecondsOf(config),
  );
  return {
    body: {
      uploadId,
      upload: { url: upload.url, fields: upload.fields },
      expiresAt: expiresAt.toISOString(),
    },
  };
});
