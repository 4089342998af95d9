/**
 * CheckAsset: one GetAsset per Wait. `Active` ends the loop with the asset URI; `Failed` ends it with
 * `AssetFailed` carrying upstream's code and message — except the first `DownloadFailed`, which deletes
 * the failed asset and asks the ASL for a re-creation with a fresh presigned URL (status `Recreate`).
 * Still `Processing`: the next poll instant, or `TimedOut` once the deadline has passed.
 */
import { UpstreamError } from '../../core/errors';
import { nextPoll, type PollState } from '../../core/schedule';
import { StepError } from '../../core/step-errors';
import { INGEST_ERRORS, INGEST_POLL_POLICY } from '../../core/uploads';
import { logger } from '../../shared/logger';
import { ingestRuntime, runStep } from '../../shared/ingest-step';

export interface CheckAssetInput {
  assetId: string;
  uploadId: string;
  poll: PollState;
  /** Re-creations after DownloadFailed so far (at most one). */
  downloadRetries?: number;
}

export type CheckAssetOutput =
  | { status: 'Active'; assetId: string; assetUri: string; poll: PollState }
  | { status: 'Processing' | 'Recreate'; assetId: string; poll: PollState };

export const MAX_DOWNLOAD_RETRIES = 1;

export const handler = (input: CheckAssetInput): Promise<CheckAssetOutput> =>
  runStep('CheckAsset', input.uploadId, async () => {
    const { config, assets } = ingestRuntime();
    const asset = await assets().getAsset(input.assetId);
    if (asset.status === 'Active') {
      logger.info('asset active', { assetId: asset.id });
      return { status: 'Active', assetId: asset.id, assetUri: `asset://${asset.id}`, poll: input.poll };
    }
    if (asset.status === 'Failed') {
      const code = asset.error?.code ?? 'Unknown';
      const message = asset.error?.message ?? 'the asset failed upstream without a reason';
      if (code === 'DownloadFailed' && (input.downloadRetries ?? 0) < MAX_DOWNLOAD_RETRIES) {
        try {
          await assets().deleteAsset(asset.id);
        } catch (e) {
          if (!(e instanceof UpstreamError && e.code.startsWith('NotFound'))) throw e;
        }
        logger.warn('asset download failed; re-creating with a fresh URL', { assetId: asset.id });
        return { status: 'Recreate', assetId: asset.id, poll: input.poll };
      }
      throw new StepError(INGEST_ERRORS.assetFailed, code, message, { assetId: asset.id });
    }
    const poll = nextPoll(input.poll, INGEST_POLL_POLICY, new Date(), config.timeScale);
    if (poll.pastDeadline)
      throw new StepError(
        INGEST_ERRORS.timedOut,
        INGEST_ERRORS.timedOut,
        `asset ${asset.id} was still ${asset.status} at the ingest deadline`,
        { assetId: asset.id },
      );
    return { status: 'Processing', assetId: asset.id, poll };
  });
