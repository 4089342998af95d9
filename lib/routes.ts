/**
 * The one route table of the REST contract. CDK builds API Gateway (and one Lambda per handler module)
 * from it; the local stack builds its HTTP server from it; the OpenAPI document is generated from it.
 * `access` lists what the handler may touch, so each function's IAM grants derive from here.
 */

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
  | 'bucket:read-replaced' // HeadObject of quarantined replacements under quarantine/
  | 'bucket:idempotency' // read/claim/write/release idempotency records under idempotency/
  | 'callback:verify' // read the key upstream callback URLs are signed with
  | 'video:task-response' // SendTaskSuccess to a waiting state of the video state machine
  | 'video:start' // StartExecution on the video state machine
  | 'video:stop'; // StopExecution on the video state machine
// No route reads the Step Functions control plane (DescribeExecution, GetExecutionHistory,
// ListExecutions are 2–20/s per account): every status and list comes from the state table.

export interface Route {
  /** Stable identifier: the Lambda's construct ID and the OpenAPI operationId. */
  name: string;
  method: HttpMethod;
  path: string;
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  summary: string;
  access: Access[];
  /** Success status when not the method's usual one (GET 200, POST 201, DELETE 204); used by OpenAPI. */
  status?: number;
  /** Error answers particular to this route (beyond the shared 4xx/5xx), documented in OpenAPI. */
  errors?: { status: number; code: string; description: string }[];
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

export const routes: readonly Route[] = [
  {
    name: 'createGroup',
    method: 'POST',
    path: '/groups',
    handler: 'functions/api/create-group.ts',
    summary: 'Create an asset group (one virtual character)',
    access: ['upstream', 'bucket:idempotency'],
  },
  {
    name: 'listGroups',
    method: 'GET',
    path: '/groups',
    handler: 'functions/api/list-groups.ts',
    summary: 'List asset groups',
    access: ['upstream'],
  },
  {
    name: 'getGroup',
    method: 'GET',
    path: '/groups/{groupId}',
    handler: 'functions/api/get-group.ts',
    summary: 'Get one asset group',
    access: ['upstream'],
  },
  {
    name: 'deleteGroup',
    method: 'DELETE',
    path: '/groups/{groupId}',
    handler: 'functions/api/delete-group.ts',
    summary: 'Delete an asset group and its assets',
    access: ['upstream'],
    errors: [
      {
        status: 409,
        code: 'UnmanagedGroup',
        description:
          'The group was not created by this stack, or is a LivenessFace group: repeat with ?force=true',
      },
    ],
  },
  {
    name: 'createUpload',
    method: 'POST',
    path: '/groups/{groupId}/uploads',
    handler: 'functions/api/create-upload.ts',
    summary: 'Validate a declared image and return a presigned POST',
    access: ['upstream', 'bucket:presign-upload', 'records:write'],
    errors: [
      {
        status: 400,
        code: 'FileTooLarge',
        description: 'contentLength is above MAX_IMAGE_BYTES (at most 30 MB - 1)',
      },
      {
        status: 400,
        code: 'UnsupportedContentType',
        description: 'contentType is not one of the accepted image types (listed in details)',
      },
    ],
  },
  {
    name: 'getUpload',
    method: 'GET',
    path: '/groups/{groupId}/uploads/{uploadId}',
    handler: 'functions/api/get-upload.ts',
    summary: 'Status of one upload and its asset',
    access: ['records:read', 'upstream', 'bucket:read-replaced'],
  },
  {
    name: 'listGroupAssets',
    method: 'GET',
    path: '/groups/{groupId}/assets',
    handler: 'functions/api/list-group-assets.ts',
    summary: 'List the assets of a group',
    access: ['upstream'],
  },
  {
    name: 'adoptAsset',
    method: 'POST',
    path: '/assets',
    handler: 'functions/api/adopt-asset.ts',
    summary: 'Adopt an asset made elsewhere (e.g. a real-person asset)',
    access: ['upstream'],
    status: 200,
  },
  {
    name: 'getAsset',
    method: 'GET',
    path: '/assets/{assetId}',
    handler: 'functions/api/get-asset.ts',
    summary: 'Get one asset',
    access: ['upstream'],
  },
  {
    name: 'deleteAsset',
    method: 'DELETE',
    path: '/assets/{assetId}',
    handler: 'functions/api/delete-asset.ts',
    summary: 'Delete one asset',
    access: ['upstream'],
  },
  {
    name: 'createVideo',
    method: 'POST',
    path: '/videos',
    handler: 'functions/api/create-video.ts',
    summary: 'Validate a request and start a video generation',
    access: ['upstream', 'video:start', 'records:read', 'records:write'],
    status: 202,
    errors: [
      {
        status: 400,
        code: 'InvalidIdempotencyKey',
        description: 'Idempotency-Key is not 1–255 visible ASCII characters',
      },
      { status: 400, code: 'AssetNotFound', description: 'a referenced asset is not in this project' },
      { status: 400, code: 'AssetTypeMismatch', description: 'an asset is of the wrong type for its slot' },
      {
        status: 400,
        code: 'ImageModeConflict',
        description: 'firstFrame/lastFrame and references cannot be mixed',
      },
      { status: 400, code: 'LastFrameWithoutFirstFrame', description: 'lastFrame needs firstFrame' },
      {
        status: 400,
        code: 'TooManyReferenceImages',
        description: 'more reference images than the model takes',
      },
      {
        status: 400,
        code: 'TooManyReferenceVideos',
        description: 'more reference videos than the model takes (2.0: 3, 2.5: 10)',
      },
      {
        status: 400,
        code: 'TooManyReferenceAudios',
        description: 'more reference audios than the model takes (2.0: 3, 2.5: 10)',
      },
      {
        status: 400,
        code: 'ReferenceVideosTooLong',
        description: "reference videos longer in all than the model's total (2.0: 15 s, 2.5: 30 s)",
      },
      {
        status: 400,
        code: 'ReferenceAudiosTooLong',
        description: "reference audios longer in all than the model's total (2.0: 15 s, 2.5: 30 s)",
      },
      {
        status: 400,
        code: 'AudioWithoutVisual',
        description: 'reference audio needs an image or a video (except on 2.5)',
      },
      {
        status: 400,
        code: 'PromptReferencesAssetId',
        description: 'the prompt names an asset ID; name media as "Image 1", "Video 1"…',
      },
      {
        status: 400,
        code: 'PromptReferencesMissingMedia',
        description: 'the prompt names media the request does not have',
      },
      {
        status: 400,
        code: 'ResolutionNotSupported',
        description: "the model's row of the model table has no such resolution (e.g. 4k on 2.0 fast)",
      },
      {
        status: 400,
        code: 'DurationNotSupported',
        description: "the duration is outside the model's range (2.0: 4–15 s, 2.5: 4–30 s)",
      },
      {
        status: 400,
        code: 'OutputFormatNotSupported',
        description: 'outputFormat mov needs Seedance 2.5',
      },
      {
        status: 400,
        code: 'UnknownModel',
        description: 'the model is not one this deployment offers (SEEDANCE_MODELS)',
      },
      {
        status: 400,
        code: 'GroupNotFound',
        description: 'a {groupId} reference names no group of this project',
      },
      {
        status: 400,
        code: 'GroupHasNoActiveAssets',
        description: 'a {groupId} reference names a group without an Active asset of that kind',
      },
      {
        status: 409,
        code: 'AssetNotActive',
        description: 'a referenced asset is still Processing (retry later) or Failed',
      },
      {
        status: 409,
        code: 'IdempotencyConflict',
        description: 'the Idempotency-Key was used with another body',
      },
      {
        status: 503,
        code: 'UpstreamThrottled',
        description: 'an asset check was throttled upstream; retry after Retry-After',
      },
      {
        status: 503,
        code: 'ServiceBusy',
        description: 'Step Functions refused the start for now; retry after Retry-After',
      },
    ],
  },
  {
    name: 'listVideos',
    method: 'GET',
    path: '/videos',
    handler: 'functions/api/list-videos.ts',
    summary: 'List video jobs',
    access: ['records:read'],
    errors: [
      {
        status: 400,
        code: 'InvalidNextToken',
        description: 'nextToken is not one this route gave for these filters',
      },
    ],
  },
  {
    name: 'getVideo',
    method: 'GET',
    path: '/videos/{videoId}',
    handler: 'functions/api/get-video.ts',
    summary: 'Status and links of one video',
    access: ['records:read', 'bucket:read-videos'],
  },
  {
    name: 'cancelVideo',
    method: 'DELETE',
    path: '/videos/{videoId}',
    handler: 'functions/api/cancel-video.ts',
    summary: 'Stop a video job and cancel a queued upstream task',
    access: ['upstream', 'records:read', 'records:write', 'video:stop'],
    status: 202,
    errors: [
      {
        status: 409,
        code: 'VideoNotRunning',
        description: 'the video already ended (its status is in details)',
      },
    ],
  },
  {
    name: 'createRealPersonSession',
    method: 'POST',
    path: '/real-person/sessions',
    handler: 'functions/api/create-real-person-session.ts',
    summary: "Start a real-person liveness check on the person's phone (a LivenessFace character)",
    access: ['upstream', 'records:write'],
  },
  {
    name: 'getRealPersonSession',
    method: 'GET',
    path: '/real-person/sessions/{sessionId}',
    handler: 'functions/api/get-real-person-session.ts',
    summary: 'Status of a real-person session: pending, passed (with its groupId), failed or expired',
    access: ['records:read'],
  },
  {
    name: 'realPersonCallback',
    method: 'GET',
    path: '/real-person/callback',
    handler: 'functions/api/real-person-callback.ts',
    summary: "Where the person's browser lands after the liveness check (public; signed state); an HTML page",
    access: ['upstream', 'records:read', 'records:write'],
    responseType: 'text/html',
    auth: 'none',
  },
  {
    name: 'arkCallback',
    method: 'POST',
    path: '/callbacks/ark/{videoId}',
    handler: 'functions/api/ark-callback.ts',
    summary:
      'Upstream task callback (Ark callback_url): signed URL, no IAM; wakes the waiting video workflow after re-fetching the task',
    access: ['callback:verify', 'records:read', 'records:write', 'upstream', 'video:task-response'],
    status: 200,
    // Upstream calls back once per status change of every running video: more than a person's browser.
    throttle: { rateLimit: 10, burstLimit: 20 },
    auth: 'none',
  },
];
