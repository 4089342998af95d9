/**
 * Validate: HeadObject for the real size, then, by the kind the upload's extension declares, the image
 * inspection of functions/core/image (≤ 64 KiB head, small follow-ups only where the header points
 * further) or the video/audio inspection of functions/core/media (a 128 KiB head and at most one more
 * read in the usual cases: the `moov` of an MP4 that keeps it at the end), both over ranged GETs. Every
 * read is pinned to the ETag HeadObject saw, so an object replaced mid-inspection fails the read instead
 * of mixing files. The verdict is returned, not thrown: the ASL's Choice sends rejections to Quarantine.
 *
 * An accepted file is then pinned: copied to validated/ on condition that it still has that ETag
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
import type { ImageFormat, RangeReader } from '../../core/image';
import { inspectMedia, type MediaContainer, type MediaVerdict } from '../../core/media';
import type { Config } from '../../core/config';
import {
  ASSET_TYPE_OF_KIND,
  INGEST_ERRORS,
  bareETag,
  kindOfExtension,
  validatedKeyFor,
  type UploadKind,
} from '../../core/uploads';
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
  /** What the upload was declared as (its key's extension); the checks judged it as that. */
  kind: UploadKind;
  /** CreateAsset's AssetType for it. */
  assetType: 'Image' | 'Video' | 'Audio';
  format?: ImageFormat | MediaContainer;
  mime?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  fps?: number;
  hasAudio?: boolean;
  bytesRead: number;
  reads: number;
  verdict: Verdict | MediaVerdict;
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

async function inspect(
  kind: UploadKind,
  read: RangeReader,
  size: number,
  config: Config,
): Promise<ValidateOutput> {
  const assetType = ASSET_TYPE_OF_KIND[kind];
  if (kind === 'image') {
    const result = await inspectImage(read, size, {
      rules: { ...IMAGE_RULES, maxBytes: config.maxImageBytes },
    });
    return {
      size,
      kind,
      assetType,
      ...(result.format ? { format: result.format, mime: result.mime } : {}),
      ...(result.width !== undefined ? { width: result.width, height: result.height } : {}),
      bytesRead: result.bytesRead,
      reads: result.reads.length,
      verdict: result.verdict,
    };
  }
  const result = await inspectMedia(read, size, kind, { rules: config.mediaRules });
  return {
    size,
    kind,
    assetType,
    ...(result.container ? { format: result.container, mime: result.mime } : {}),
    ...(result.width !== undefined ? { width: result.width, height: result.height } : {}),
    ...(result.durationSeconds !== undefined ? { durationSeconds: result.durationSeconds } : {}),
    ...(result.fps !== undefined ? { fps: result.fps } : {}),
    ...(result.hasAudio !== undefined ? { hasAudio: result.hasAudio } : {}),
    bytesRead: result.bytesRead,
    reads: result.reads.length,
    verdict: result.verdict,
  };
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
    const kind = kindOfExtension(input.key.slice(input.key.lastIndexOf('.') + 1));
    const output = await inspect(kind, read, size, config);
    logger.info(`${kind} inspected`, { ...output, declaredType: head.ContentType });
    if (!output.verdict.ok) return output;
    if (!head.ETag) throw storageStepError(new Error('HeadObject returned no ETag'));
    const pinnedKey = await pin(s3, input, head.ETag, output.mime ?? 'application/octet-stream');
    logger.info('validated bytes pinned', { pinnedKey, etag: bareETag(head.ETag) });
    return { ...output, pinnedKey };
  });
