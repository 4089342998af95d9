/**
 * CreateAsset: hands upstream a presigned GET of the pinned copy Validate made under validated/ (never
 * the incoming/ key, which the upload form can still overwrite), made right before the call (a URL signed
 * with a Lambda role's temporary credentials dies with them), with the detected type as the response
 * Content-Type, and `Name` = upload ID. The URL is never logged.
 *
 * A failure whose outcome is unknown (no answer, 5xx, an unreadable 2xx) may have created the asset
 * anyway: it leaves as `Upstream.Transient`, which the ASL sends to RecoverCreateAsset — this same
 * handler with `lookupFirst`, which looks the asset up by Name before creating again.
 *
 * Every CreateAsset first takes the account's budget (functions/core/governor): without it, or when
 * upstream throttles the call anyway (another client shares the account), the step answers `queued`
 * with the job's place and when to wake, and the ASL sleeps until then (a Wait, not a Retry: waiting
 * never burns attempts and never fails the job). The upload reads `queued` with its position meanwhile.
 * The 15 min ingest deadline counts from leaving the queue; waiting longer than QUEUE_MAX_WAIT_SECONDS
 * in all ends the ingest `expired` (QueueExpired).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { UpstreamError } from '../../core/errors';
import { acquireBudget, queuedFor, reportThrottle, type QueuePlace } from '../../core/governor';
import type { PollState } from '../../core/schedule';
import { StepError } from '../../core/step-errors';
import { INGEST_POLL_POLICY, findUploadAsset, ingestPollStart } from '../../core/uploads';
import { uploadChange } from '../../core/records';
import { logger } from '../../shared/logger';
import { recordTransition } from '../../shared/record-transition';
import { assetBudget } from '../../shared/asset-budget';
import { ingestRuntime, runStep } from '../../shared/ingest-step';
import { s3Client } from '../../shared/s3';

export interface CreateAssetInput {
  bucket: string;
  key: string;
  groupId: string;
  uploadId: string;
  /** Detected MIME type (Validate), served as the response Content-Type of the presigned GET. */
  mime?: string;
  /** Validate's AssetType for the upload (an execution started before video/audio existed has none). */
  assetType?: 'Image' | 'Video' | 'Audio';
  /** True after an ambiguous failure: look the asset up by Name before creating one. */
  lookupFirst?: boolean;
  /** `$$.Execution.StartTime`: the overall deadline counts from it, plus the time spent queued. */
  startedAt?: string;
  /** The job's place in the budget queue, carried by the ASL between wake-ups. */
  budget?: AssetQueuePlace;
}

export interface AssetQueuePlace extends QueuePlace {
  /** A re-creation (DownloadFailed) keeps the first creation's deadline, plus its own wait. */
  deadlineAt?: string;
}

/** No budget yet: the ASL waits until `budget.waitUntil` and calls the step again with `budget`. */
export interface CreateAssetQueued {
  queued: true;
  budget: AssetQueuePlace & { waitUntil: string; queuePosition: number; estimatedStartAt: string };
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

/** When the work started, for the deadline: the execution's start (or the first creation's) + the wait. */
function workStart(input: CreateAssetInput, waitedMs: number, timeScale: number): Date | undefined {
  const deadlineAt = input.budget?.deadlineAt;
  const base = deadlineAt
    ? new Date(deadlineAt).getTime() - INGEST_POLL_POLICY.deadlineSeconds * 1000 * timeScale
    : input.startedAt
      ? new Date(input.startedAt).getTime()
      : undefined;
  return base === undefined || Number.isNaN(base) ? undefined : new Date(base + waitedMs);
}

export const handler = (input: CreateAssetInput): Promise<CreateAssetOutput | CreateAssetQueued> =>
  runStep(input.lookupFirst ? 'RecoverCreateAsset' : 'CreateAsset', input.uploadId, async () => {
    const { config, assets } = ingestRuntime();
    const s3 = s3Client(config);
    const place: AssetQueuePlace = input.budget ?? {};
    let waitedMs = queuedFor(place, Date.now());
    const started = (assetId: string, reused: boolean): CreateAssetOutput => ({
      assetId,
      reused,
      status: 'Processing',
      poll: ingestPollStart(new Date(), workStart(input, waitedMs, config.timeScale), config.timeScale),
    });

    if (input.lookupFirst) {
      const existing = await findUploadAsset(assets(), input.groupId, input.uploadId);
      if (existing) {
        logger.info('asset found after an ambiguous CreateAsset', {
          assetId: existing.id,
          status: existing.status,
        });
        await recordTransition(uploadChange(input, 'ingesting'), config);
        return started(existing.id, true);
      }
    }

    // Signed before the budget is taken: the grant's moment should be the call's, give or take a hop.
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: input.bucket, Key: input.key, ResponseContentType: input.mime }),
      { expiresIn: config.assetSourceUrlTtlSeconds },
    );
    const budget = assetBudget(config);
    const queued = async (
      next: AssetQueuePlace,
      position: number,
      estimatedStartAt: string,
      waitUntil: string,
    ): Promise<CreateAssetQueued> => {
      if (queuedFor(next, Date.now()) > config.queueMaxWaitSeconds * 1000 * config.timeScale)
        throw new StepError(
          'QueueExpired',
          'QueueExpired',
          `waited for the upstream CreateAsset budget longer than ${config.queueMaxWaitSeconds} s; upload it again later`,
        );
      await recordTransition(
        uploadChange(input, 'queued', { queuePosition: position, estimatedStartAt }),
        config,
      );
      return { queued: true, budget: { ...next, waitUntil, queuePosition: position, estimatedStartAt } };
    };
    const got = await acquireBudget(budget.store, budget.spec, place);
    if (!got.granted) {
      logger.info('waiting for the CreateAsset budget', {
        queuePosition: got.position,
        estimatedStartAt: got.estimatedStartAt,
        reason: got.reason,
      });
      return queued(got.place, got.position, got.estimatedStartAt, got.waitUntil);
    }
    waitedMs = got.waitedMs;

    let assetId: string;
    try {
      ({ id: assetId } = await assets().createAsset({
        groupId: input.groupId,
        url,
        assetType: input.assetType ?? 'Image',
        name: input.uploadId,
      }));
    } catch (e) {
      if (e instanceof UpstreamError && e.throttled) {
        // Refused, so nothing was created: slow the budget for everyone and take a new turn (a place
        // without its ticket reserves again, at the back of the schedule).
        await reportThrottle(budget.store, budget.spec).catch(() => undefined);
        const now = Date.now();
        const at = new Date(
          now + budget.spec.windowMs / budget.spec.limit + Math.random() * budget.spec.holdoffMs,
        );
        logger.warn('CreateAsset throttled despite the budget; slowing down', { code: e.code });
        return queued(
          { waitedMs, queuedAt: new Date(now).toISOString() },
          1,
          at.toISOString(),
          at.toISOString(),
        );
      }
      // Out of the queue either way: the recovery (or the failure) is work, not waiting.
      await recordTransition(uploadChange(input, 'ingesting'), config);
      throw ambiguousAsTransient(e);
    }
    await recordTransition(uploadChange(input, 'ingesting'), config);
    logger.info('asset created', { assetId, groupId: input.groupId, assetType: input.assetType ?? 'Image' });
    return started(assetId, false);
  });
