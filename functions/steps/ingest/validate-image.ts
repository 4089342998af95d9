/**
 * Validate: HeadObject for the real size, then the image inspection of functions/core/image over ranged
 * GETs (≤ 64 KiB head, small follow-ups only where the header points further). Every read is pinned to
 * the ETag HeadObject saw, so an object replaced mid-inspection fails the read instead of mixing files.
 * The verdict is returned, not thrown: the ASL's Choice sends rejections to Quarantine.
 */
import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { inspectImage, IMAGE_RULES, type Verdict } from '../../core/image';
import type { ImageFormat } from '../../core/image';
import { INGEST_ERRORS } from '../../core/uploads';
import { StepError } from '../../core/step-errors';
import { logger } from '../../shared/logger';
import { ingestRuntime, isNotFound, runStep, storageStepError } from './runtime';
import { s3Client } from '../../shared/s3';

export interface ValidateInput {
  bucket: string;
  key: string;
  uploadId: string;
}

export interface ValidateOutput {
  size: number;
  format?: ImageFormat;
  mime?: string;
  width?: number;
  height?: number;
  bytesRead: number;
  reads: number;
  verdict: Verdict;
}

export const handler = (input: ValidateInput): Promise<ValidateOutput> =>
  runStep('Validate', input.uploadId, async () => {
    const { config } = ingestRuntime();
    const s3 = s3Client(config);
    let head: HeadObjectCommandOutput;
    try {
      head = await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: input.key }));
    } catch (e) {
      if (isNotFound(e))
        throw new StepError(
          INGEST_ERRORS.uploadMissing,
          INGEST_ERRORS.uploadMissing,
          'the uploaded object is no longer in the bucket',
        );
      throw storageStepError(e);
    }
    const size = head.ContentLength ?? 0;
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      try {
        const out = await s3.send(
          new GetObjectCommand({
            Bucket: input.bucket,
            Key: input.key,
            Range: `bytes=${offset}-${offset + length - 1}`,
            IfMatch: head.ETag,
          }),
        );
        return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (e) {
        throw storageStepError(e);
      }
    };
    const result = await inspectImage(read, size, {
      rules: { ...IMAGE_RULES, maxBytes: config.maxImageBytes },
    });
    const output: ValidateOutput = {
      size,
      ...(result.format ? { format: result.format, mime: result.mime } : {}),
      ...(result.width !== undefined ? { width: result.width, height: result.height } : {}),
      bytesRead: result.bytesRead,
      reads: result.reads.length,
      verdict: result.verdict,
    };
    logger.info('image inspected', { ...output, declaredType: head.ContentType });
    return output;
  });
