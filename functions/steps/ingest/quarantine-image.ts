/**
 * Quarantine: moves a rejected upload from incoming/ to quarantine/ (copy, then delete) with the reason
 * in its metadata, served as octet-stream so an impostor (HTML, SVG) is never rendered from the bucket.
 * Retry-safe: if the source is already gone and the quarantined copy exists, the move happened.
 * Returns the Fail state's Cause, `{code, message}` as JSON.
 */
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Verdict } from '../../core/image';
import { quarantineKeyFor } from '../../core/uploads';
import { logger } from '../../shared/logger';
import { ingestRuntime, isNotFound, runStep, storageStepError } from '../../shared/ingest-step';
import { s3Client } from '../../shared/s3';

export interface QuarantineInput {
  bucket: string;
  key: string;
  uploadId: string;
  verdict: Verdict;
}

export interface QuarantineOutput {
  quarantineKey: string;
  cause: string;
}

/** S3 user metadata travels in HTTP headers: printable ASCII only. */
const headerSafe = (s: string) =>
  s
    .replace(/×/g, 'x')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 1024);

export const handler = (input: QuarantineInput): Promise<QuarantineOutput> =>
  runStep('Quarantine', input.uploadId, async () => {
    const s3 = s3Client(ingestRuntime().config);
    const code = input.verdict.ok ? 'Unknown' : input.verdict.code;
    const message = input.verdict.ok ? 'rejected' : input.verdict.message;
    const quarantineKey = quarantineKeyFor(input.key);
    try {
      await s3.send(
        new CopyObjectCommand({
          Bucket: input.bucket,
          Key: quarantineKey,
          CopySource: `${input.bucket}/${input.key.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          ContentType: 'application/octet-stream',
          Metadata: {
            'rejection-code': code,
            'rejection-reason': headerSafe(message),
            'upload-id': input.uploadId,
          },
        }),
      );
    } catch (e) {
      if (!isNotFound(e)) throw storageStepError(e);
      // A retry after the delete below: the copy is already there.
      try {
        await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: quarantineKey }));
      } catch (e2) {
        if (!isNotFound(e2)) throw storageStepError(e2);
        logger.warn('rejected upload vanished before quarantine', { code });
      }
    }
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: input.key }));
    } catch (e) {
      throw storageStepError(e);
    }
    logger.info('upload quarantined', { code, message, quarantineKey });
    return { quarantineKey, cause: JSON.stringify({ code, message }) };
  });
