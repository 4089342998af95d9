/**
 * Validate: HeadObject for the real size, then the image inspection of functions/core/image over ranged
 * GETs (≤ 64 KiB head, small follow-ups only where the header points further). Every read is pinned to
 * the ETag HeadObject saw, so an object replaced mid-inspection fails the read instead of mixing files.
 * The verdict is returned, not thrown: the ASL's Choice sends rejections to Quarantine.
 *
 * An accepted image is then pinned: copied to validated/ on condition that it still has that ETag
 * (CopySourceIfMatch), and CreateAsset presigns the copy. The presigned POST stays usable for its whole
 * lifetime, so without the pin a re-post of other bytes after the checks would become the asset. A
 * failed condition (the object changed while it was checked) leaves as `UploadReplaced`, which the
 * ASL sends to Quarantine: nothing unchecked is registered, and the replacement is not left behind.
 */
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { inspectImage, IMAGE_RULES, type Verdict } from '../../core/image';
import type { ImageFormat } from '../../core/image';
import { INGEST_ERRORS, bareETag, validatedKeyFor } from '../../core/uploads';
import { StepError } from '../../core/step-errors';
import { logger } from '../../shared/logger';
import { ingestRuntime, isNotFound, runStep, storageStepError } from '../../shared/ingest-step';
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
  /** The pinned copy CreateAsset presigns (only when the verdict is ok). */
  pinnedKey?: string;
}

interface AwsStatus {
  $metadata?: { httpStatusCode?: number };
}

const replaced = () =>
  new StepError(
    INGEST_ERRORS.uploadReplaced,
    INGEST_ERRORS.uploadReplaced,
    'the file was replaced while it was being checked, so nothing was registered; upload it again',
  );

/** S3 answers a failed If-Match / x-amz-copy-source-if-match with 412 PreconditionFailed. */
function pinnedReadError(e: unknown): unknown {
  if (
    e instanceof Error &&
    (e.name === 'PreconditionFailed' || (e as AwsStatus).$metadata?.httpStatusCode === 412)
  )
    return replaced();
  if (isNotFound(e)) return replaced();
  return storageStepError(e);
}

async function pin(s3: S3Client, input: ValidateInput, etag: string, mime: string): Promise<string> {
  const pinnedKey = validatedKeyFor(input.key);
  try {
    await s3.send(
      new CopyObjectCommand({
        Bucket: input.bucket,
        Key: pinnedKey,
        CopySource: `${input.bucket}/${input.key.split('/').map(encodeURIComponent).join('/')}`,
        CopySourceIfMatch: etag,
        MetadataDirective: 'REPLACE',
        ContentType: mime,
        Metadata: { 'source-etag': bareETag(etag) ?? '', 'upload-id': input.uploadId },
      }),
    );
  } catch (e) {
    throw pinnedReadError(e);
  }
  return pinnedKey;
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
        throw pinnedReadError(e);
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
    if (!result.verdict.ok) return output;
    if (!head.ETag) throw storageStepError(new Error('HeadObject returned no ETag'));
    const pinnedKey = await pin(s3, input, head.ETag, result.mime ?? 'application/octet-stream');
    logger.info('validated bytes pinned', { pinnedKey, etag: bareETag(head.ETag) });
    return { ...output, pinnedKey };
  });
