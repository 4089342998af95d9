/**
 * CreateAsset: hands upstream a presigned GET of the pinned copy Validate made under validated/ (never
 * the incoming/ key, which the upload form can still overwrite), made right before the call (a URL signed
 * with a Lambda role's temporary credentials dies with them), with the detected type as the response
 * Content-Type, and `Name` = upload ID. The URL is never logged.
 *
 * A failure whose outcome is unknown (no answer, 5xx, an unreadable 2xx) may have created the asset
 * anyway: it leaves as `Upstream.Transient`, which the ASL sends to RecoverCreateAsset — this same
 * handler with `lookupFirst`, which looks the asset up by Name before creating again. Throttling is a
 * clear refusal and is retried in place (`Upstream.Throttled`).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { UpstreamError } from '../../core/errors';
import type { PollState } from '../../core/schedule';
import { StepError } from '../../core/step-errors';
import { findUploadAsset, ingestPollStart } from '../../core/uploads';
import { uploadChange } from '../../core/records';
import { logger } from '../../shared/logger';
import { recordTransition } from '../../shared/record-transition';
import { ingestRuntime, runStep } from '../../shared/ingest-step';
import { s3Client } from '../../shared/s3';

export interface CreateAssetInput {
  bucket: string;
  key: string;
  groupId: string;
  uploadId: string;
  /** Detected MIME type (Validate), served as the response Content-Type of the presigned GET. */
  mime?: string;
  /** True after an ambiguous failure: look the asset up by Name before creating one. */
  lookupFirst?: boolean;
  /** `$$.Execution.StartTime`: the overall deadline counts from it. */
  startedAt?: string;
}

export interface CreateAssetOutput {
  assetId: string;
  /** True when the lookup found the asset an earlier, ambiguous attempt created. */
  reused: boolean;
  status: 'Processing';
  poll: PollState;
}

/** A 2xx we could not read is as ambiguous as a timeout: the asset probably exists. */
function ambiguousAsTransient(e: unknown): unknown {
  if (e instanceof UpstreamError && e.code === 'MalformedResponse' && e.status >= 200 && e.status < 300)
    return new StepError('Upstream.Transient', e.code, e.message, { service: e.service, status: e.status });
  return e;
}

export const handler = (input: CreateAssetInput): Promise<CreateAssetOutput> =>
  runStep(input.lookupFirst ? 'RecoverCreateAsset' : 'CreateAsset', input.uploadId, async () => {
    const { config, assets } = ingestRuntime();
    await recordTransition(uploadChange(input, 'ingesting'), config);
    const s3 = s3Client(config);
    const startedAt = input.startedAt ? new Date(input.startedAt) : undefined;
    const started = (assetId: string, reused: boolean): CreateAssetOutput => ({
      assetId,
      reused,
      status: 'Processing',
      poll: ingestPollStart(new Date(), startedAt, config.timeScale),
    });

    if (input.lookupFirst) {
      const existing = await findUploadAsset(assets(), input.groupId, input.uploadId);
      if (existing) {
        logger.info('asset found after an ambiguous CreateAsset', {
          assetId: existing.id,
          status: existing.status,
        });
        return started(existing.id, true);
      }
    }

    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: input.bucket, Key: input.key, ResponseContentType: input.mime }),
      { expiresIn: config.assetSourceUrlTtlSeconds },
    );
    let assetId: string;
    try {
      ({ id: assetId } = await assets().createAsset({
        groupId: input.groupId,
        url,
        assetType: 'Image',
        name: input.uploadId,
      }));
    } catch (e) {
      throw ambiguousAsTransient(e);
    }
    logger.info('asset created', { assetId, groupId: input.groupId });
    return started(assetId, false);
  });
