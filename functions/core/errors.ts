/**
 * The error catalogue: one typed error for both upstream services, one for the REST API, and the
 * single mapping between them. Messages here are shown to callers and written to logs, so nothing
 * built here may ever carry a secret, token, signature or presigned URL.
 */

import { knownAssetFailureHint } from './asset-failures';
import { isThrottleCode, isThrottling, throttleHint } from './throttling';

export type UpstreamService = 'volcengine' | 'ark';

export interface UpstreamErrorInit {
  service: UpstreamService;
  /** Upstream code (`SignatureDoesNotMatch`, `InvalidParameter`, ...) or ours: `NetworkError`, `Timeout`, `MalformedResponse`. */
  code: string;
  /** Volcengine's numeric code (`CodeN`), when it sent one. */
  codeN?: number;
  /** HTTP status of the upstream answer; 0 when there was none (network, timeout). */
  status: number;
  message: string;
  requestId?: string;
  /** Action (Volcengine) or operation (ark) that failed, for logs. */
  operation?: string;
  cause?: unknown;
}

const TRANSIENT_CODES = new Set([
  'InternalError',
  'InternalServiceError',
  'NetworkError',
  'Timeout',
  'ServiceUnavailable',
  // A 2xx we could not parse: usually a proxy cut the body short; asking again is safe for reads.
  'MalformedResponse',
]);

export { isThrottling };

/** Throttling, 5xx, network and timeouts are worth retrying; everything else is the caller's to fix. */
export function isRetryable(code: string, status: number): boolean {
  if (isThrottling(code, status) || status >= 500 || status === 0) return true;
  return TRANSIENT_CODES.has(code.split('.')[0] ?? code);
}

/** One-line hints for the causes the vendor's "Common errors" table lists. */
export function hintFor(
  service: UpstreamService,
  code: string,
  status: number,
  message = '',
): string | undefined {
  if (isThrottleCode(code)) return throttleHint(code, status);
  if (code === 'SignatureDoesNotMatch')
    return 'Use the SecretAccessKey as raw UTF-8 (never base64-decode it), check the clock, and check the canonical request.';
  if (code === 'InvalidTimestamp') return 'X-Date is too far from the server clock: sync this host with NTP.';
  if (code === 'InvalidAccessKey') return 'The AccessKeyId is unknown: check the credentials secret.';
  if (code === 'AccessDenied' && service === 'volcengine')
    return 'Attach the IAM policy {"Action":["ark:*Asset*"],"Resource":["*"]} to the user owning the AK/SK.';
  if (code.startsWith('NotFound'))
    return 'Pass the right ProjectName (it is case-sensitive and must match the asset, the group and the video token).';
  if (service === 'volcengine' && code === 'SubscriptionRequired')
    return 'The asset-library entitlement package is missing on this account.';
  if (service === 'ark' && status === 400 && /asset/i.test(message) && /not found/i.test(message))
    return "The asset is not under the gateway's Volcengine account (ingest with the AK/SK the gateway provides) or the ID is wrong.";
  if (service === 'ark' && code === 'AuthenticationError')
    return 'The API token is wrong or lacks the SeeDance2 group.';
  if (service === 'ark' && code.startsWith('PUBLIC_')) return 'Rejected by upstream moderation (not billed).';
  if (service === 'ark' && (code === 'ModelNotOpen' || code.startsWith('InvalidEndpointOrModel')))
    return 'Check SEEDANCE_MODEL and that the model is activated for this token.';
  // Video creation refuses flagged references with the same moderation codes as a failed asset.
  if (service === 'ark' && /^Input\w+SensitiveContentDetected/.test(code)) return knownAssetFailureHint(code);
  if (service === 'ark' && code === 'QuotaExceeded')
    return 'The account quota is used up: wait for it to reset or raise it with the provider.';
  return throttleHint(code, status);
}

/** Hint for a CreateAssetGroup that fails on an account that never made a group before. */
export const AUTHORIZATION_LETTER_HINT =
  'If this is the first group on the account, sign the authorization letter in the console (My → Virtual Avatars) first.';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly service: UpstreamService;
  readonly code: string;
  readonly codeN: number | undefined;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly operation: string | undefined;
  readonly retryable: boolean;
  /** Throttled by code (any HTTP status, 200 included) or by a 429: retry later, with a longer backoff. */
  readonly throttled: boolean;
  readonly hint: string | undefined;

  constructor(init: UpstreamErrorInit & { hint?: string }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.service = init.service;
    this.code = init.code;
    this.codeN = init.codeN;
    this.status = init.status;
    this.requestId = init.requestId;
    this.operation = init.operation;
    this.throttled = isThrottling(init.code, init.status);
    this.retryable = isRetryable(init.code, init.status);
    this.hint = init.hint ?? hintFor(init.service, init.code, init.status, init.message);
  }

  /** A plain object safe to log or to return from a Lambda step (no cause chain, no URLs). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      service: this.service,
      code: this.code,
      codeN: this.codeN,
      status: this.status,
      message: this.message,
      requestId: this.requestId,
      operation: this.operation,
      retryable: this.retryable,
      throttled: this.throttled,
      hint: this.hint,
    };
  }
}

export function isUpstreamError(e: unknown): e is UpstreamError {
  return e instanceof UpstreamError;
}

/**
 * Every code the REST API answers, with its HTTP status and the sentence OpenAPI shows for it. Handlers,
 * the error middleware, the gateway responses (lib/constructs/api.ts) and the OpenAPI generator all read
 * this one table; `ApiError` takes only its keys, so a code cannot be answered without being listed.
 * `source` says who answers it: the handler, API Gateway in front of it, or the handler on behalf of an
 * upstream failure (apiErrorFromUpstream).
 */
export interface ApiErrorSpec {
  status: number;
  source: 'handler' | 'gateway' | 'upstream';
  /** When a route answers it, for OpenAPI and for people reading the code. */
  description: string;
  /** Default message when the thrower has nothing more precise to say. */
  message?: string;
}

export const API_ERRORS = {
  // ---- the request as sent (every route) ----
  ValidationError: {
    status: 400,
    source: 'handler',
    description:
      'A path parameter, query parameter, header or body field is invalid (one entry per field in details)',
    message: 'The request is invalid',
  },
  InvalidJson: {
    status: 400,
    source: 'handler',
    description: 'The request body is not valid JSON',
    message: 'The request body is not valid JSON',
  },
  // The one not-found family: whatever is missing (group, asset, upload, video, upstream's NotFound.*),
  // the code is NotFound and details say what (`resource`, or upstream's code in `upstreamCode`).
  NotFound: {
    status: 404,
    source: 'handler',
    description:
      'No such group, asset, upload, video, real-person session or webhook (details.resource; upstream NotFound.* in details.upstreamCode)',
  },
  InternalError: {
    status: 500,
    source: 'handler',
    description: 'An unexpected fault (no detail is exposed; the request ID is in x-request-id)',
    message: 'Internal error',
  },
  // ---- particular to some routes ----
  UnmanagedGroup: {
    status: 409,
    source: 'handler',
    description:
      'The group was not created by this stack, or is a LivenessFace group: repeat with ?force=true',
  },
  FileTooLarge: {
    status: 400,
    source: 'handler',
    description:
      "contentLength is above the limit of the upload's kind (image: MAX_IMAGE_BYTES; video, audio: the media rules), in details.maxBytes",
  },
  UnsupportedContentType: {
    status: 400,
    source: 'handler',
    description:
      'contentType is not one of the accepted image, video or audio types (listed in details.accepted)',
  },
  IdempotencyConflict: {
    status: 409,
    source: 'handler',
    description: 'The Idempotency-Key was used with another body',
  },
  IdempotencyInProgress: {
    status: 409,
    source: 'handler',
    description: 'A request with this Idempotency-Key is still being served; retry in a few seconds',
  },
  AssetInOtherProject: {
    status: 409,
    source: 'handler',
    description: 'The asset belongs to another project than this stack uses',
  },
  AssetNotFound: {
    status: 400,
    source: 'handler',
    description: 'A referenced asset is not in this project (every problem in details.problems)',
  },
  AssetTypeMismatch: {
    status: 400,
    source: 'handler',
    description: 'A referenced asset is of the wrong type for its slot',
  },
  AssetNotActive: {
    status: 409,
    source: 'handler',
    description: 'An asset is still Processing (retry later) or Failed',
  },
  ImageModeConflict: {
    status: 400,
    source: 'handler',
    description: 'firstFrame/lastFrame and references cannot be mixed',
  },
  LastFrameWithoutFirstFrame: { status: 400, source: 'handler', description: 'lastFrame needs firstFrame' },
  TooManyReferenceImages: {
    status: 400,
    source: 'handler',
    description: 'More reference images than the model takes',
  },
  TooManyReferenceVideos: {
    status: 400,
    source: 'handler',
    description: 'More reference videos than the model takes (2.0: 3, 2.5: 10)',
  },
  TooManyReferenceAudios: {
    status: 400,
    source: 'handler',
    description: 'More reference audios than the model takes (2.0: 3, 2.5: 10)',
  },
  ReferenceVideosTooLong: {
    status: 400,
    source: 'handler',
    description: "Reference videos longer in all than the model's total (2.0: 15 s, 2.5: 30 s)",
  },
  ReferenceAudiosTooLong: {
    status: 400,
    source: 'handler',
    description: "Reference audios longer in all than the model's total (2.0: 15 s, 2.5: 30 s)",
  },
  AudioWithoutVisual: {
    status: 400,
    source: 'handler',
    description: 'Reference audio needs an image or a video (except on 2.5)',
  },
  PromptReferencesAssetId: {
    status: 400,
    source: 'handler',
    description: 'The prompt names an asset ID; name media as "Image 1", "Video 1"…',
  },
  PromptReferencesMissingMedia: {
    status: 400,
    source: 'handler',
    description: 'The prompt names media the request does not have',
  },
  ResolutionNotSupported: {
    status: 400,
    source: 'handler',
    description: "The model's row of the model table has no such resolution (e.g. 4k on 2.0 fast)",
  },
  DurationNotSupported: {
    status: 400,
    source: 'handler',
    description: "The duration is outside the model's range (2.0: 4–15 s, 2.5: 4–30 s)",
  },
  OutputFormatNotSupported: {
    status: 400,
    source: 'handler',
    description: 'outputFormat mov needs Seedance 2.5',
  },
  UnknownModel: {
    status: 400,
    source: 'handler',
    description: 'The model is not one this deployment offers (SEEDANCE_MODELS)',
  },
  GroupNotFound: {
    status: 400,
    source: 'handler',
    description: 'A {groupId} reference names no group of this project',
  },
  GroupHasNoActiveAssets: {
    status: 400,
    source: 'handler',
    description: 'A {groupId} reference names a group without an Active asset of that kind',
  },
  ServiceBusy: {
    status: 503,
    source: 'handler',
    description: 'Step Functions refused the call for now; retry after Retry-After',
  },
  InvalidNextToken: {
    status: 400,
    source: 'handler',
    description: 'nextToken is not one this route gave for these filters',
    message: 'nextToken is not valid for this request',
  },
  InvalidTimeRange: {
    status: 400,
    source: 'handler',
    description:
      'GET /usage: from is after to, or the range is longer than USAGE_MAX_RANGE_DAYS (or holds too many videos for one request); details give the range',
  },
  VideoNotRunning: {
    status: 409,
    source: 'handler',
    description: 'The video already ended (its status is in details)',
  },
  WebhookUrlRefused: {
    status: 400,
    source: 'handler',
    description:
      'The webhook URL is not https to a public address (private, loopback, link-local, metadata or unique-local, also after DNS): details.reason',
  },
  WebhookDisabled: {
    status: 409,
    source: 'handler',
    description: 'The endpoint was disabled (it answered 410 Gone); register it again to receive events',
  },
  // ---- an upstream failure, answered by the handler (apiErrorFromUpstream) ----
  UpstreamRejected: {
    status: 400,
    source: 'upstream',
    description:
      "Upstream refused what the request asked for (a 4xx the caller caused): upstream's code and status in details.upstreamCode / details.upstreamStatus",
  },
  UpstreamError: {
    status: 502,
    source: 'upstream',
    description: 'Upstream answered a 5xx or something unreadable',
  },
  UpstreamCredentialsRejected: {
    status: 502,
    source: 'upstream',
    description: "Upstream refused this stack's AK/SK or token (an operator's problem, not the caller's)",
  },
  UpstreamThrottled: {
    status: 503,
    source: 'upstream',
    description: 'Upstream throttled the call; retry after Retry-After',
  },
  UpstreamTimeout: { status: 504, source: 'upstream', description: 'Upstream did not answer in time' },
  UpstreamUnavailable: { status: 504, source: 'upstream', description: 'Upstream could not be reached' },
  // ---- API Gateway, before or instead of the handler (lib/constructs/api.ts maps its response types) ----
  MissingAuthenticationToken: {
    status: 403,
    source: 'gateway',
    description: 'No SigV4 signature, or no such route',
  },
  InvalidSignature: { status: 403, source: 'gateway', description: 'The SigV4 signature does not match' },
  ExpiredToken: { status: 403, source: 'gateway', description: 'The signing credentials have expired' },
  AccessDenied: { status: 403, source: 'gateway', description: 'IAM denies the caller this route' },
  RequestTooLarge: { status: 413, source: 'gateway', description: 'The request exceeds 10 MB' },
  Throttled: { status: 429, source: 'gateway', description: 'Stage throttling; retry with backoff' },
  QuotaExceeded: { status: 429, source: 'gateway', description: 'The usage-plan quota is used up' },
  IntegrationTimeout: {
    status: 504,
    source: 'gateway',
    description: 'The handler did not answer within the integration timeout',
  },
  BadRequest: { status: 400, source: 'gateway', description: 'Any other request API Gateway refuses itself' },
} as const satisfies Record<string, ApiErrorSpec>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const isApiErrorCode = (code: string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);

/** Codes every route can answer, whatever it does: the gateway's and the unexpected fault. */
export const EVERY_ROUTE_CODES: readonly ApiErrorCode[] = [
  ...(Object.keys(API_ERRORS) as ApiErrorCode[]).filter((c) => API_ERRORS[c].source === 'gateway'),
  'InternalError',
];

/** Codes a route that calls upstream can answer on an upstream failure (apiErrorFromUpstream). */
export const UPSTREAM_CODES: readonly ApiErrorCode[] = [
  ...(Object.keys(API_ERRORS) as ApiErrorCode[]).filter((c) => API_ERRORS[c].source === 'upstream'),
  'NotFound',
];

/** An error the REST API answers with `{"error":{code,message,details}}`; its status is the catalogue's. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    const spec: ApiErrorSpec = API_ERRORS[code];
    super(message ?? spec.message ?? spec.description);
    this.status = spec.status;
  }
}

/** NotFound for a resource named in the path, with what was missing in details. */
export const notFound = (
  resource: 'group' | 'asset' | 'upload' | 'video' | 'real-person session' | 'webhook',
  id: string,
) =>
  new ApiError('NotFound', `${resource[0]?.toUpperCase()}${resource.slice(1)} ${id} was not found`, {
    resource,
    id,
  });
/** DELETE /groups/{id} of a group this stack does not manage, without `?force=true`. */
export const unmanagedGroup = (groupId: string, why: string) =>
  new ApiError('UnmanagedGroup', `group ${groupId} ${why}; deleting it also deletes its assets`, {
    hint: 'Repeat the request with ?force=true to delete it anyway.',
  });

/**
 * How an upstream failure reaches a REST caller: what the caller caused (an upstream 4xx) is
 * `UpstreamRejected` (400), except not-found, which joins the `NotFound` family; our own
 * credential/permission problems (`UpstreamCredentialsRejected`), throttling and upstream faults become
 * 502/503/504 because the caller can do nothing about them. Upstream's own code and HTTP status are
 * always in `details.upstreamCode` / `details.upstreamStatus`: one closed set of codes for callers to
 * branch on, and upstream's open-ended one for people to read.
 */
export function apiErrorFromUpstream(e: UpstreamError): ApiError {
  const details = {
    service: e.service,
    upstreamCode: e.code,
    upstreamStatus: e.status,
    requestId: e.requestId,
    hint: e.hint,
  };
  const msg = `${e.service} ${e.operation ?? 'call'} failed: ${e.message}`;
  if (e.status === 0)
    return e.code === 'Timeout'
      ? new ApiError('UpstreamTimeout', msg, details)
      : new ApiError('UpstreamUnavailable', msg, details);
  if (e.throttled) return new ApiError('UpstreamThrottled', msg, details, { 'Retry-After': '2' });
  // A 2xx we could not read (MalformedResponse) is as much the upstream's fault as a 5xx.
  if (e.status >= 500 || e.status < 400) return new ApiError('UpstreamError', msg, details);
  // Our credentials or permissions, not the caller's: a stable code, upstream's own in details.
  if (e.status === 401 || e.status === 403) return new ApiError('UpstreamCredentialsRejected', msg, details);
  if (e.status === 404 || e.code.startsWith('NotFound')) return new ApiError('NotFound', msg, details);
  return new ApiError('UpstreamRejected', msg, details);
}
