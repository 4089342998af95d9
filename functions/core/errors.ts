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

/** An error the REST API answers with `{"error":{code,message,details}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);
export const notFound = (what: string, id: string) =>
  new ApiError(404, 'NotFound', `${what} ${id} was not found`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new ApiError(409, code, message, details);
/** DELETE /groups/{id} of a group this stack does not manage, without `?force=true`. */
export const unmanagedGroup = (groupId: string, why: string) =>
  conflict('UnmanagedGroup', `group ${groupId} ${why}; deleting it also deletes its assets`, {
    hint: 'Repeat the request with ?force=true to delete it anyway.',
  });

/**
 * How an upstream failure reaches a REST caller: upstream 4xx that the caller caused keep their status
 * and code, except not-found (always `NotFound`); our own credential/permission problems
 * (`UpstreamCredentialsRejected`), throttling and upstream faults become 502/503/504 because the caller
 * can do nothing about them. Upstream's own code is always in `details.upstreamCode`.
 */
export function apiErrorFromUpstream(e: UpstreamError): ApiError {
  const details = { service: e.service, upstreamCode: e.code, requestId: e.requestId, hint: e.hint };
  const msg = `${e.service} ${e.operation ?? 'call'} failed: ${e.message}`;
  if (e.status === 0)
    return new ApiError(504, e.code === 'Timeout' ? 'UpstreamTimeout' : 'UpstreamUnavailable', msg, details);
  if (e.throttled) return new ApiError(503, 'UpstreamThrottled', msg, details, { 'Retry-After': '2' });
  // A 2xx we could not read (MalformedResponse) is as much the upstream's fault as a 5xx.
  if (e.status >= 500 || e.status < 400) return new ApiError(502, 'UpstreamError', msg, details);
  // Our credentials or permissions, not the caller's: a stable code, upstream's own in details.
  if (e.status === 401 || e.status === 403)
    return new ApiError(502, 'UpstreamCredentialsRejected', msg, details);
  // One not-found family: the API's `NotFound`, whichever `NotFound.<field>` upstream said.
  if (e.status === 404 || e.code.startsWith('NotFound')) return new ApiError(404, 'NotFound', msg, details);
  return new ApiError(e.status, e.code, msg, details);
}
