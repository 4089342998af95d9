/** Videos: rows of the route table (lib/routes.ts composes every area in one table). */
import { idempotencyHeaders } from '../../functions/core/api-schemas/headers';
import { createVideoBody, listVideosQuery, videoPathSchema } from '../../functions/core/api-schemas/videos';
import type { ApiErrorCode } from '../../functions/core/errors';
import { defineRoutes } from './row';

const CONTENT_RULE_CODES = [
  'ImageModeConflict',
  'LastFrameWithoutFirstFrame',
  'TooManyReferenceImages',
  'TooManyReferenceVideos',
  'TooManyReferenceAudios',
  'ReferenceVideosTooLong',
  'ReferenceAudiosTooLong',
  'AudioWithoutVisual',
  'PromptReferencesAssetId',
  'PromptReferencesMissingMedia',
  'ResolutionNotSupported',
  'DurationNotSupported',
  'OutputFormatNotSupported',
  'UnknownModel',
] as const satisfies readonly ApiErrorCode[];

export const videoRoutes = defineRoutes({
  createVideo: {
    method: 'POST',
    path: '/videos',
    handler: 'functions/api/create-video.ts',
    summary: 'Validate a request and start a video generation',
    access: ['upstream', 'video:start', 'records:read', 'records:write'],
    status: 202,
    request: { headers: idempotencyHeaders, body: createVideoBody },
    errors: [
      'AssetNotFound',
      'AssetTypeMismatch',
      'AssetNotActive',
      'GroupNotFound',
      'GroupHasNoActiveAssets',
      ...CONTENT_RULE_CODES,
      'IdempotencyConflict',
      'ServiceBusy',
    ],
  },
  listVideos: {
    method: 'GET',
    path: '/videos',
    handler: 'functions/api/list-videos.ts',
    summary: 'List video jobs',
    access: ['records:read'],
    status: 200,
    request: { query: listVideosQuery },
    errors: ['InvalidNextToken'],
  },
  getVideo: {
    method: 'GET',
    path: '/videos/{videoId}',
    handler: 'functions/api/get-video.ts',
    summary: 'Status and links of one video',
    access: ['records:read', 'bucket:read-videos'],
    status: 200,
    request: { path: videoPathSchema },
    errors: ['NotFound'],
  },
  cancelVideo: {
    method: 'DELETE',
    path: '/videos/{videoId}',
    handler: 'functions/api/cancel-video.ts',
    summary: 'Stop a video job and cancel a queued upstream task',
    access: ['upstream', 'records:read', 'records:write', 'video:stop'],
    status: 202,
    request: { path: videoPathSchema },
    errors: ['NotFound', 'VideoNotRunning', 'ServiceBusy'],
  },
});
