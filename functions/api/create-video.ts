/**
 * POST /videos: parse → start-or-replay (functions/core/video/start.ts) → 202. The request is checked
 * against the Seedance rules and every referenced asset (free calls) before the execution that spends
 * money starts. With an Idempotency-Key the video ID is derived from the key (scoped to the caller's
 * role), and a replay is answered from the video's record: same body → the same video, another body →
 * 409 IdempotencyConflict.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiRoutes } from '../../lib/routes';
import { loadConfig } from '../core/config';
import {
  buildCreateTaskInput,
  checkReferencedAssets,
  checkVideoRules,
  executionExpiresAfter,
  fingerprint,
  idempotencyScope,
  newVideoId,
  seedFor,
  startOrReplayVideo,
  videoIdFromKey,
} from '../core/video';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { ttlSecondsOf } from '../shared/dynamodb';
import { logger } from '../shared/logger';
import { recordsFor } from '../shared/record-transition';
import { videoExecutions } from '../shared/sfn';

/** The caller's IAM identity, so two callers using the same key never share a video. */
function callerScope(event: APIGatewayProxyEvent): string {
  const id = event.requestContext?.identity;
  return idempotencyScope(id?.userArn ?? id?.caller ?? '');
}

export const handler = apiHandler(apiRoutes.createVideo, async (req) => {
  const config = loadConfig();
  const body = req.body;
  const model = body.model ?? config.seedanceModel;
  const fp = fingerprint({ ...body, model });
  const key = req.headers['idempotency-key'];
  const videoId = key !== undefined ? videoIdFromKey(key, callerScope(req.event)) : newVideoId();
  logger.appendKeys({ videoId });
  const answer = await startOrReplayVideo(
    { records: recordsFor(config), executions: videoExecutions(config), ttlSeconds: ttlSecondsOf(config) },
    {
      videoId,
      fingerprint: fp,
      model,
      check: async () => {
        checkVideoRules(body, model);
        return checkReferencedAssets(body, assetsClient(config), config.projectName);
      },
      input: (requestedAt, groupIds) => ({
        videoId,
        fingerprint: fp,
        requestedAt,
        seedChosenByCaller: body.seed !== undefined && body.seed !== -1,
        ...(groupIds.length > 0 ? { groupIds } : {}),
        request: buildCreateTaskInput(body, {
          model,
          seed: seedFor(videoId, body.seed),
          executionExpiresAfter: executionExpiresAfter(config.videoDeadlineSeconds),
        }),
      }),
    },
  );
  if (answer.replayed) logger.info('idempotent replay', { status: answer.status });
  else logger.info('video started', { model });
  return {
    body: { videoId, status: answer.status },
    headers: { location: `/videos/${videoId}` },
  };
});
