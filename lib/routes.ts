/**
 * The one route table of the REST contract. CDK builds API Gateway (and one Lambda per handler module)
 * from it; the local stack builds its HTTP server from it; the OpenAPI document is generated from it;
 * each handler is built from its own row (`apiHandler(apiRoutes.getVideo, …)`, functions/shared/api.ts),
 * which validates and parses what the row's schemas say and answers the row's success status.
 * `access` lists what the handler may touch, so each function's IAM grants derive from here.
 *
 * Lambda handlers import this module, so it holds data and zod schemas only: no CDK, no AWS SDK.
 */
import type { core } from 'zod/mini';
import {
  adoptAssetBody,
  assetPageResponse,
  assetPathSchema,
  assetResponse,
  createGroupBody,
  deleteGroupQuery,
  groupPageResponse,
  groupPathSchema,
  groupResponse,
  listGroupAssetsQuery,
  listGroupsQuery,
} from '../functions/core/api-schemas/groups';
import {
  arkCallbackPath,
  arkCallbackQuery,
  arkCallbackResponse,
} from '../functions/core/api-schemas/callbacks';
import { idempotencyHeaders } from '../functions/core/api-schemas/headers';
import {
  createRealPersonSessionBody,
  realPersonCallbackQuery,
  realPersonSessionPath,
} from '../functions/core/api-schemas/real-person';
import {
  createUploadBody,
  uploadGroupPathSchema,
  uploadPathSchema,
} from '../functions/core/api-schemas/uploads';
import { createVideoBody, listVideosQuery, videoPathSchema } from '../functions/core/api-schemas/videos';
import { usageQuery, usageResponse } from '../functions/core/api-schemas/usage';
import {
  createWebhookBody,
  createdWebhookResponse,
  listWebhooksQuery,
  replayResponse,
  replayWebhookBody,
  rotatedSecretResponse,
  webhookPageResponse,
  webhookPathSchema,
  webhookResponse,
} from '../functions/core/api-schemas/webhooks';
import { EVERY_ROUTE_CODES, UPSTREAM_CODES, type ApiErrorCode } from '../functions/core/errors';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Every API handler's Lambda timeout, deployed and local alike: under API Gateway's 29 s integration
 * limit, so the handler answers (in our envelope) before the gateway gives up on it.
 */
export const API_HANDLER_TIMEOUT_SECONDS = 28;

/** Capabilities a handler needs; the stack turns each into the narrowest grant. */
export type Access =
  | 'upstream' // reads the credentials secret, calls Volcengine/Ark
  | 'bucket:presign-upload' // signs presigned POSTs under incoming/
  | 'bucket:read-videos' // signs presigned GETs under videos/
  | 'records:read' // GetItem / Query on the state table and its indexes
  | 'records:write' // conditional PutItem / UpdateItem / DeleteItem of records
  | 'records:usage' // Query of the creation-time index, the ledger attributes only
  | 'bucket:read-replaced' // HeadObject of quarantined replacements under quarantine/
  | 'bucket:idempotency' // read/claim/write/release idempotency records under idempotency/
  | 'callback:verify' // read the key upstream callback URLs are signed with
  | 'budget:use' // the governor's budget items (budget#…): the callback's re-fetch spends Get-task budget
  | 'video:task-response' // SendTaskSuccess to a waiting state of the video state machine
  | 'video:start' // StartExecution on the video state machine
  | 'video:stop' // StopExecution on the video state machine
  | 'webhook:seal' // read the key webhook endpoint secrets are sealed with
  | 'webhook:deliver'; // StartExecution on the webhook delivery state machine
// No route reads the Step Functions control plane (DescribeExecution, GetExecutionHistory,
// ListExecutions are 2–20/s per account): every status and list comes from the state table.

/**
 * What a route reads from a request, each checked by its zod schema before the handler runs. The
 * project's schemas are zod/mini (functions/core/api-schemas/); any zod 4 schema fits.
 */
export interface RouteRequest {
  /** Path parameters (IDs): a failure answers 400 ValidationError before any upstream call. */
  path?: core.$ZodType;
  query?: core.$ZodType;
  /** Headers by lower-case name. */
  headers?: core.$ZodType;
  /** The JSON body; a route without one ignores whatever body it is sent. */
  body?: core.$ZodType;
}

export interface Route {
  /** Stable identifier: the Lambda's construct ID, the OpenAPI operationId, the `route` of log lines. */
  name: string;
  method: HttpMethod;
  path: string;
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  summary: string;
  access: Access[];
  /** The success answer's status; the handler factory answers it unless the handler says otherwise. */
  status: number;
  request?: RouteRequest;
  /** The success answer's body, for OpenAPI (tests check the handlers' answers against it). */
  response?: core.$ZodType;
  /**
   * Error codes particular to this route (functions/core/errors.ts API_ERRORS). The ones every route
   * can answer, and the upstream family of a route with `upstream` access, are added by errorCodesOf.
   */
  errors: readonly ApiErrorCode[];
  /**
   * `iam` (default): SigV4 required. `none`: public, for a browser or upstream calling back; such a route
   * proves itself (signed state in its query), gets its own tight throttle in API Gateway, and the local
   * API skips SigV4 for it.
   */
  auth?: 'iam' | 'none';
  /** A public route's own API Gateway throttle (default PUBLIC_ROUTE_THROTTLE). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** The success answer's media type when it is not JSON (the real-person callback is a page for a person). */
  responseType?: 'text/html';
}

/** Requests per second (and burst) API Gateway allows a public route whose row names none: a person's browser, not a client. */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 5, burstLimit: 10 } as const;

/** A route's authentication, with the default spelled out. */
export const routeAuth = (r: Pick<Route, 'auth'>): 'iam' | 'none' => r.auth ?? 'iam';
export const isPublicRoute = (r: Pick<Route, 'auth'>): boolean => routeAuth(r) === 'none';
/** A public route's own throttle in API Gateway. */
export const publicThrottle = (r: Pick<Route, 'throttle'>): { rateLimit: number; burstLimit: number } =>
  r.throttle ?? PUBLIC_ROUTE_THROTTLE;

/**
 * Every code a route can answer: its own, the request checks', the upstream family's and the gateway's
 * (a public route has no SigV4 to fail, so not the signature ones).
 */
export function errorCodesOf(r: Pick<Route, 'access' | 'request' | 'errors' | 'auth'>): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(['ValidationError']);
  if (r.request?.body) codes.add('InvalidJson');
  if (r.access.includes('upstream')) UPSTREAM_CODES.forEach((c) => codes.add(c));
  r.errors.forEach((c) => codes.add(c));
  EVERY_ROUTE_CODES.filter((c) => !isPublicRoute(r) || !SIGNATURE_CODES.has(c)).forEach((c) => codes.add(c));
  return [...codes];
}

const SIGNATURE_CODES = new Set<ApiErrorCode>([
  'MissingAuthenticationToken',
  'InvalidSignature',
  'ExpiredToken',
  'AccessDenied',
]);

/** Names each row by its key, keeping the rows' exact types so handlers get typed requests. */
function defineRoutes<const T extends Record<string, Omit<Route, 'name'>>>(
  rows: T,
): { readonly [K in keyof T & string]: T[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, { name, ...r }])) as {
    readonly [K in keyof T & string]: T[K] & { readonly name: K };
  };
}

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

export const apiRoutes = defineRoutes({
  createGroup: {
    method: 'POST',
    path: '/groups',
    handler: 'functions/api/create-group.ts',
    summary: 'Create an asset group (one virtual character)',
    access: ['upstream', 'bucket:idempotency'],
    status: 201,
    request: { headers: idempotencyHeaders, body: createGroupBody },
    response: groupResponse,
    errors: ['IdempotencyConflict', 'IdempotencyInProgress'],
  },
  listGroups: {
    method: 'GET',
    path: '/groups',
    handler: 'functions/api/list-groups.ts',
    summary: 'List asset groups',
    access: ['upstream'],
    status: 200,
    request: { query: listGroupsQuery },
    response: groupPageResponse,
    errors: [],
  },
  getGroup: {
    method: 'GET',
    path: '/groups/{groupId}',
    handler: 'functions/api/get-group.ts',
    summary: 'Get one asset group',
    access: ['upstream'],
    status: 200,
    request: { path: groupPathSchema },
    response: groupResponse,
    errors: [],
  },
  deleteGroup: {
    method: 'DELETE',
    path: '/groups/{groupId}',
    handler: 'functions/api/delete-group.ts',
    summary: 'Delete an asset group and its assets',
    access: ['upstream'],
    status: 204,
    request: { path: groupPathSchema, query: deleteGroupQuery },
    errors: ['UnmanagedGroup'],
  },
  createUpload: {
    method: 'POST',
    path: '/groups/{groupId}/uploads',
    handler: 'functions/api/create-upload.ts',
    summary: 'Validate a declared image and return a presigned POST',
    access: ['upstream', 'bucket:presign-upload', 'records:write'],
    status: 201,
    request: { path: uploadGroupPathSchema, body: createUploadBody },
    errors: ['FileTooLarge', 'UnsupportedContentType', 'NotFound'],
  },
  getUpload: {
    method: 'GET',
    path: '/groups/{groupId}/uploads/{uploadId}',
    handler: 'functions/api/get-upload.ts',
    summary: 'Status of one upload and its asset',
    access: ['records:read', 'upstream', 'bucket:read-replaced'],
    status: 200,
    request: { path: uploadPathSchema },
    errors: ['NotFound'],
  },
  listGroupAssets: {
    method: 'GET',
    path: '/groups/{groupId}/assets',
    handler: 'functions/api/list-group-assets.ts',
    summary: 'List the assets of a group',
    access: ['upstream'],
    status: 200,
    request: { path: groupPathSchema, query: listGroupAssetsQuery },
    response: assetPageResponse,
    errors: [],
  },
  adoptAsset: {
    method: 'POST',
    path: '/assets',
    handler: 'functions/api/adopt-asset.ts',
    summary: 'Adopt an asset made elsewhere (e.g. a real-person asset)',
    access: ['upstream'],
    status: 200,
    request: { body: adoptAssetBody },
    response: assetResponse,
    errors: ['AssetInOtherProject', 'AssetNotActive'],
  },
  getAsset: {
    method: 'GET',
    path: '/assets/{assetId}',
    handler: 'functions/api/get-asset.ts',
    summary: 'Get one asset',
    access: ['upstream'],
    status: 200,
    request: { path: assetPathSchema },
    response: assetResponse,
    errors: [],
  },
  deleteAsset: {
    method: 'DELETE',
    path: '/assets/{assetId}',
    handler: 'functions/api/delete-asset.ts',
    summary: 'Delete one asset',
    access: ['upstream'],
    status: 204,
    request: { path: assetPathSchema },
    errors: [],
  },
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
  getUsage: {
    method: 'GET',
    path: '/usage',
    handler: 'functions/api/get-usage.ts',
    summary: 'Tokens and estimated cost of the videos created in a range, by day, model or caller',
    access: ['records:usage'],
    status: 200,
    request: { query: usageQuery },
    response: usageResponse,
    errors: ['InvalidTimeRange'],
  },
  createRealPersonSession: {
    method: 'POST',
    path: '/real-person/sessions',
    handler: 'functions/api/create-real-person-session.ts',
    summary: "Start a real-person liveness check on the person's phone (a LivenessFace character)",
    access: ['upstream', 'records:write'],
    status: 201,
    request: { body: createRealPersonSessionBody },
    errors: [],
  },
  getRealPersonSession: {
    method: 'GET',
    path: '/real-person/sessions/{sessionId}',
    handler: 'functions/api/get-real-person-session.ts',
    summary: 'Status of a real-person session: pending, passed (with its groupId), failed or expired',
    access: ['records:read'],
    status: 200,
    request: { path: realPersonSessionPath },
    errors: ['NotFound'],
  },
  realPersonCallback: {
    method: 'GET',
    path: '/real-person/callback',
    handler: 'functions/api/real-person-callback.ts',
    summary: "Where the person's browser lands after the liveness check (public; signed state); an HTML page",
    access: ['upstream', 'records:read', 'records:write'],
    auth: 'none',
    status: 200,
    responseType: 'text/html',
    request: { query: realPersonCallbackQuery },
    errors: [],
  },
  arkCallback: {
    method: 'POST',
    path: '/callbacks/ark/{videoId}',
    handler: 'functions/api/ark-callback.ts',
    summary:
      'Upstream task callback (Ark callback_url): signed URL, no IAM; wakes the waiting video workflow after re-fetching the task',
    access: [
      'callback:verify',
      'records:read',
      'records:write',
      'upstream',
      'video:task-response',
      'budget:use',
    ],
    // Upstream calls back once per status change of every running video: more than a person's browser.
    throttle: { rateLimit: 10, burstLimit: 20 },
    auth: 'none',
    status: 200,
    // Neither schema can fail (a forger must get the same 200 `{}` as upstream); they document the URL.
    request: { path: arkCallbackPath, query: arkCallbackQuery },
    response: arkCallbackResponse,
    errors: [],
  },
  createWebhook: {
    method: 'POST',
    path: '/webhooks',
    handler: 'functions/api/create-webhook.ts',
    summary: 'Register a webhook endpoint (Standard Webhooks); its whsec_ secret is in this answer only',
    access: ['records:write', 'webhook:seal'],
    status: 201,
    request: { body: createWebhookBody },
    response: createdWebhookResponse,
    errors: ['WebhookUrlRefused'],
  },
  listWebhooks: {
    method: 'GET',
    path: '/webhooks',
    handler: 'functions/api/list-webhooks.ts',
    summary: 'List webhook endpoints, newest first',
    access: ['records:read'],
    status: 200,
    request: { query: listWebhooksQuery },
    response: webhookPageResponse,
    errors: ['InvalidNextToken'],
  },
  getWebhook: {
    method: 'GET',
    path: '/webhooks/{webhookId}',
    handler: 'functions/api/get-webhook.ts',
    summary: 'One webhook endpoint (enabled, or disabled with the reason)',
    access: ['records:read'],
    status: 200,
    request: { path: webhookPathSchema },
    response: webhookResponse,
    errors: ['NotFound'],
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/webhooks/{webhookId}',
    handler: 'functions/api/delete-webhook.ts',
    summary: 'Delete a webhook endpoint; deliveries under way stop at their next attempt',
    access: ['records:write'],
    status: 204,
    request: { path: webhookPathSchema },
    errors: ['NotFound'],
  },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/webhooks/{webhookId}/rotate-secret',
    handler: 'functions/api/rotate-webhook-secret.ts',
    summary: 'A new whsec_ secret (shown once); the old one keeps signing for 24 h',
    access: ['records:read', 'records:write', 'webhook:seal'],
    status: 200,
    request: { path: webhookPathSchema },
    response: rotatedSecretResponse,
    errors: ['NotFound'],
  },
  replayWebhook: {
    method: 'POST',
    path: '/webhooks/{webhookId}/replay',
    handler: 'functions/api/replay-webhook.ts',
    summary: "Re-send the endpoint's events (by ID or time range) with their original webhook-id",
    access: ['records:read', 'records:write', 'webhook:deliver'],
    status: 202,
    request: { path: webhookPathSchema, body: replayWebhookBody },
    response: replayResponse,
    errors: ['NotFound', 'WebhookDisabled', 'ServiceBusy'],
  },
});

export const routes: readonly Route[] = Object.values(apiRoutes);
