/**
 * POST /videos: expands `{groupId}` references into the group's assets, checks the request against the
 * model's rules and every referenced asset (free calls) before starting the execution that spends money.
 * The answer's `media` says which asset is "Image 1", "Video 1"…; a replay answers the `media` the first
 * call recorded, so a group changed in between does not change what the key names. The execution is named by the video ID; with an
 * Idempotency-Key the ID is derived from the key, and a replay is recognised by the body fingerprint in
 * the execution input: same body → the same video (202), another body → 409 IdempotencyConflict.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createVideoBody, type CreateVideoBody } from '../core/api-schemas/videos';
import { loadConfig, modelCatalog, required } from '../core/config';
import { conflict } from '../core/errors';
import { deriveKey } from '../core/keys';
import {
  buildCreateTaskInput,
  checkReferencedAssets,
  checkVideoRules,
  expandGroupReferences,
  mediaList,
  rulesForModel,
  safetyIdentifier,
  executionArn,
  executionExpiresAfter,
  fingerprint,
  newVideoId,
  parseJobInput,
  idempotencyScope,
  seedFor,
  videoIdFromKey,
  videoStatus,
  type VideoJobInput,
} from '../core/video';
import { apiHandler, type ApiResponse } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { getCredentials } from '../shared/credentials';
import { logger } from '../shared/logger';
import { awsApiError, describeExecution, runningHistory, sfnClient } from '../shared/video-aws';

/** The caller's IAM identity, so two callers using the same key never share a video. */
function callerScope(event: APIGatewayProxyEvent): string {
  const id = event.requestContext?.identity;
  return idempotencyScope(id?.userArn ?? id?.caller ?? '');
}

/** Answers a replayed key from the execution it names, or 409 when the body differs. */
async function replay(videoId: string, arn: string, fp: string): Promise<ApiResponse | undefined> {
  const existing = await describeExecution(arn);
  if (!existing) return undefined;
  const input = parseJobInput(existing.input);
  if (input?.fingerprint !== fp)
    throw conflict(
      'IdempotencyConflict',
      'This Idempotency-Key was already used with a different request body; use a new key for a new video',
      { videoId },
    );
  const history = existing.status === 'RUNNING' ? await runningHistory(arn) : undefined;
  logger.info('idempotent replay', { videoId });
  return {
    status: 202,
    body: {
      videoId,
      status: videoStatus(existing.status ?? 'RUNNING', existing.error, history),
      media: input.media ?? [],
    },
    headers: { location: `/videos/${videoId}` },
  };
}

export const handler = apiHandler<CreateVideoBody>(
  { name: 'createVideo', body: createVideoBody },
  async (req) => {
    const config = loadConfig();
    const stateMachineArn = required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN');
    const body = req.body;
    const model = body.model ?? config.seedanceModel;
    const fp = fingerprint({ ...body, model });
    const key = req.headers['idempotency-key'];
    const videoId = key !== undefined ? videoIdFromKey(key, callerScope(req.event)) : newVideoId();
    const arn = executionArn(stateMachineArn, videoId);
    logger.appendKeys({ videoId });

    // A replay is answered from what was started, even if an asset changed since.
    if (key !== undefined) {
      const answer = await replay(videoId, arn, fp);
      if (answer) return answer;
    }

    const catalog = modelCatalog(config);
    const assets = assetsClient(config);
    // Groups first: the rules count the assets a group stands for, and the prompt may name them.
    const { body: expanded, origins } = await expandGroupReferences(
      body,
      assets,
      rulesForModel(model, catalog),
      config.projectName,
    );
    checkVideoRules(expanded, model, catalog);
    await checkReferencedAssets(expanded, assets, config.projectName);

    const principal = callerScope(req.event);
    const media = mediaList(expanded, origins);
    const input: VideoJobInput = {
      videoId,
      fingerprint: fp,
      requestedAt: new Date().toISOString(),
      seedChosenByCaller: body.seed !== undefined && body.seed !== -1,
      request: buildCreateTaskInput(expanded, {
        model,
        seed: seedFor(videoId, body.seed),
        executionExpiresAfter: executionExpiresAfter(config.videoDeadlineSeconds),
        ...(principal
          ? {
              safetyIdentifier: safetyIdentifier(
                principal,
                deriveKey((await getCredentials()).secretAccessKey, 'safety-identifier'),
              ),
            }
          : {}),
      }),
      media,
      ...(body.metadata ? { metadata: body.metadata } : {}),
    };
    try {
      await sfnClient().send(
        new StartExecutionCommand({ stateMachineArn, name: videoId, input: JSON.stringify(input) }),
      );
    } catch (e) {
      // Two concurrent requests with one key: the loser answers from the winner's execution.
      if (key !== undefined && e instanceof Error && e.name === 'ExecutionAlreadyExists') {
        const answer = await replay(videoId, arn, fp);
        if (answer) return answer;
      }
      throw awsApiError(e);
    }
    logger.info('video started', {
      model,
      media: media.length,
      fromGroups: Object.keys(origins).length,
    });
    return {
      status: 202,
      body: { videoId, status: 'queued', media },
      headers: { location: `/videos/${videoId}` },
    };
  },
);
