/**
 * GET /groups/{groupId}/uploads/{uploadId}: the upload's record in the state table (written at every
 * transition of its ingest), never the Step Functions control plane. Another group's upload is a 404.
 * Two facts the record cannot hold are looked up: whether a replacement posted over the upload was
 * quarantined (one HeadObject), and, for an ingested upload, whether its asset still exists upstream —
 * one GetAsset (100/s upstream, far above what status reads need); throttled or failing, the upload
 * keeps reading `active` rather than failing the request.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { uploadRoutes } from '../../lib/route-rows/uploads';
import { loadConfig, required, type Config } from '../core/config';
import { UpstreamError } from '../core/errors';
import type { UploadRecord } from '../core/records';
import { extensionFor, replacedKeyFor, uploadKey, uploadStatus, type UploadFacts } from '../core/uploads';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { logger } from '../shared/logger';
import { recordReaderFor } from '../shared/record-reads';
import { s3Client } from '../shared/s3';

function uploadFacts(config: Config): UploadFacts {
  return {
    replacedAt: async (r: UploadRecord) => {
      const ext = r.contentType ? extensionFor(r.contentType) : undefined;
      if (!ext) return undefined;
      const key = replacedKeyFor(uploadKey({ groupId: r.groupId, uploadId: r.id, ext }));
      try {
        const head = await s3Client(config).send(
          new HeadObjectCommand({ Bucket: required(config.bucketName, 'BUCKET_NAME'), Key: key }),
        );
        return head.LastModified ?? new Date();
      } catch (e) {
        if (!(e instanceof Error && (e.name === 'NotFound' || e.name === 'NoSuchKey')))
          logger.warn('replacement check unavailable', {
            errorName: e instanceof Error ? e.name : 'unknown',
          });
        return undefined;
      }
    },
    assetGone: async (assetId) => {
      try {
        await assetsClient(config).getAsset(assetId);
        return false;
      } catch (e) {
        if (e instanceof UpstreamError && e.code.startsWith('NotFound')) return true;
        logger.warn('asset check unavailable', { errorName: e instanceof Error ? e.name : 'unknown' });
        return false;
      }
    },
  };
}

export const handler = apiHandler(uploadRoutes.getUpload, async (req) => {
  const config = loadConfig();
  return {
    body: await uploadStatus(
      recordReaderFor(config),
      uploadFacts(config),
      req.path.groupId,
      req.path.uploadId,
    ),
  };
});
