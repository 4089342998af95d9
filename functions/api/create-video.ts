/**
 * POST /videos: parse → start-or-replay (functions/core/video/start.ts) → 202. `{groupId}` references
 * are expanded into the group's assets, then the request is checked against the model's rules and every
 * referenced asset (free calls) before the execution that spends money starts. With an Idempotency-Key
 * the video ID is derived from the key (scoped to the caller's role), and a replay is answered from the
 * video's record: same body → the same video and the same `media` (the first call's expansion, even if
 * the group changed since), another body → 409 IdempotencyConflict.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { videoRoutes } from '../../lib/route-rows/videos';
import { loadConfig, modelCatalog } from '../core/config';
import { deriveKey } from '../core/keys';
import type { VideoRecord } from '../core/records';
import {
  bodyFromMedia,
  buildCreateTaskInput,
  checkReferencedAssets,
  checkVideoRules,
  executionExpiresAfter,
  expandGroupReferences,
  fingerprint,
  idempotencyScope,
  mediaList,
  newVideoId,
  rulesForModel,
  safetyIdentifier,
  seedFor,
  startOrReplayVideo,
  videoIdFromKey,
  type Expansion,
} from '../core/video';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { getCredentials } from '../shared/credentials';
import { ttlSecondsOf } from '../shared/dynamodb';
import { logger } from '../shared/logger';
import { recordsFor } from '../shared/record-transition';
import { videoExecutions } from '../shared/sfn';

/**
 * The caller's IAM identity (user or role ARN; an assumed role's session name dropped), so two callers
 * using the same key never share a video, and GET /usage can sum by caller.
 */
function callerScope(event: APIGatewayProxyEvent): string {
  const id = event.requestContext?.identity;
  return idempotencyScope(id?.userArn ?? id?.caller ?? '');
}

export const handler = apiHandler(videoRoutes.createVideo, async (req) => {
  const config = loadConfig();
  const body = req.body;
  const model = body.model ?? config.seedanceModel;
  const fp = fingerprint({ ...body, model });
  const key = req.headers['idempotency-key'];
  const principal = callerScope(req.event);
  const videoId = key !== undefined ? videoIdFromKey(key, principal) : newVideoId();
  logger.appendKeys({ videoId });
  const catalog = modelCatalog(config);
  const assets = assetsClient(config);
  const safetyId = principal
    ? safetyIdentifier(principal, deriveKey((await getCredentials()).secretAccessKey, 'safety-identifier'))
    : undefined;
  let expansion: Expansion | undefined;
  // A replay that restarts a lost start rebuilds the request from the recorded media, not the group now.
  const expandedOf = (existing?: VideoRecord): Expansion =>
    expansion ?? (existing?.media ? bodyFromMedia(body, existing.media) : { body, origins: {} });

  const answer = await startOrReplayVideo(
    { records: recordsFor(config), executions: videoExecutions(config), ttlSeconds: ttlSecondsOf(config) },
    {
      videoId,
      fingerprint: fp,
      model,
      ...(principal ? { caller: principal } : {}),
      check: async () => {
        // Groups first: the rules count the assets a group stands for, and the prompt may name them.
        expansion = await expandGroupReferences(
          body,
          assets,
          rulesForModel(model, catalog),
          config.projectName,
        );
        checkVideoRules(expansion.body, model, catalog);
        return checkReferencedAssets(expansion.body, assets, config.projectName);
      },
      input: (requestedAt, groupIds, existing) => {
        const { body: expanded, origins } = expandedOf(existing);
        return {
          videoId,
          fingerprint: fp,
          requestedAt,
          seedChosenByCaller: body.seed !== undefined && body.seed !== -1,
          ...(groupIds.length > 0 ? { groupIds } : {}),
          request: buildCreateTaskInput(expanded, {
            model,
            seed: seedFor(videoId, body.seed),
            executionExpiresAfter: executionExpiresAfter(
              config.videoDeadlineSeconds,
              config.videoExecutionExpiresAfterSeconds,
            ),
            ...(safetyId ? { safetyIdentifier: safetyId } : {}),
          }),
          media: existing?.media ?? mediaList(expanded, origins),
          ...(body.metadata ? { metadata: body.metadata } : {}),
        };
      },
    },
  );
  if (answer.replayed) logger.info('idempotent replay', { status: answer.status });
  else
    logger.info('video started', {
      model,
      media: answer.media.length,
      fromGroups: answer.media.filter((m) => m.groupId).length,
    });
  return {
    body: { videoId, status: answer.status, media: answer.media },
    headers: { location: `/videos/${videoId}` },
  };
});
