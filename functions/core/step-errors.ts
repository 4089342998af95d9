/**
 * Errors that Lambda steps throw so the state machines can Retry/Catch on their names. Step Functions
 * takes a thrown error's `name` as the state error, so the name is the contract with the ASL files:
 *  - `Upstream.Throttled`  throttling (429, FlowLimitExceeded): Retry with long backoff and full jitter
 *  - `Upstream.Transient`  5xx, network, timeouts: Retry with backoff and full jitter
 *  - `Upstream.Rejected`   any other upstream 4xx: not retried, carried out as the failure cause
 *  - domain names (`ImageRejected`, `AssetFailed`, `VideoFailed`, `TimedOut`, ...) from the steps
 *    (`ImageRejected` ends any upload Validate refused — image, video or audio; the name is kept so
 *    executions and status readers from before video/audio keep working).
 * The message is a JSON object `{code, message, ...}` so the Catch's `Cause` can be parsed by the API.
 */
import { UpstreamError } from './errors';
import { isRecord } from './http';
import { redact, redactString } from './redact';

/**
 * The step-error catalogue: every error name a step throws or a Fail state ends with, which is every
 * name our ASL files Retry, Catch or fail on (test/unit/step-errors.test.ts reads both files).
 */
export const STEP_ERRORS = {
  upstreamThrottled: 'Upstream.Throttled',
  upstreamTransient: 'Upstream.Transient',
  upstreamRejected: 'Upstream.Rejected',
  /** S3 throttling, 5xx or network on a read (ingest): retried in place. */
  storageTransient: 'Storage.Transient',
  /** An S3 write of the save step failed: retried a few times. */
  storageFailed: 'Storage.Failed',
  invalidState: 'InvalidState',
  imageRejected: 'ImageRejected',
  assetFailed: 'AssetFailed',
  uploadMissing: 'UploadMissing',
  uploadReplaced: 'UploadReplaced',
  timedOut: 'TimedOut',
  /** Waited for upstream budget longer than QUEUE_MAX_WAIT_SECONDS. */
  queueExpired: 'QueueExpired',
  videoFailed: 'VideoFailed',
  videoExpired: 'VideoExpired',
  videoCancelled: 'VideoCancelled',
  taskCreationFailed: 'TaskCreationFailed',
  taskCreationUncertain: 'TaskCreationUncertain',
  saveFailed: 'SaveFailed',
  /** A webhook delivery ran out of attempts: kept as a dead letter (the delivery machine's Fail). */
  webhookDeadLetter: 'WebhookDeadLetter',
} as const;
export type StepErrorName = (typeof STEP_ERRORS)[keyof typeof STEP_ERRORS];

/** Names Step Functions and Lambda give failures themselves (not thrown by our code). */
export const RUNTIME_ERRORS = [
  'States.ALL',
  'States.Timeout',
  'Sandbox.Timedout',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
] as const;

/**
 * Failures after which the call may have happened anyway (no answer, an unknown Lambda fault, a
 * timeout): a state that creates something upstream must look for it before creating again.
 */
export const AMBIGUOUS_ERRORS: readonly string[] = [
  STEP_ERRORS.upstreamTransient,
  'States.Timeout',
  'Sandbox.Timedout',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.Unknown',
];

export class StepError extends Error {
  constructor(
    name: StepErrorName,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    // Upstream failure messages (an asset's Error.Message, a task's error.message) reach execution
    // causes and from there the upload/video status bodies, so they are scrubbed here, at the source.
    super(JSON.stringify(redact({ code, message, ...details })));
    this.name = name;
  }
}

export function upstreamStepError(e: UpstreamError): StepError {
  const name = e.throttled
    ? STEP_ERRORS.upstreamThrottled
    : e.retryable
      ? STEP_ERRORS.upstreamTransient
      : STEP_ERRORS.upstreamRejected;
  return new StepError(name, e.code, e.message, {
    service: e.service,
    status: e.status,
    requestId: e.requestId,
    operation: e.operation,
    hint: e.hint,
  });
}

/** Rethrows upstream failures under their Retry/Catch names; anything else passes through. */
export function asStepError(e: unknown): unknown {
  return e instanceof UpstreamError ? upstreamStepError(e) : e;
}

export interface StepFailure {
  error: string;
  code: string;
  message: string;
  [k: string]: unknown;
}

/**
 * Parses a failed execution's `error`/`cause` (as DescribeExecution returns them) back into a
 * failure record that the API shows to callers. Lambda wraps a thrown error as
 * `{"errorType","errorMessage","trace"}`: a StepError's message is our JSON; any other error (an S3
 * refusal, a timeout, a bug) gives only its message, never the stack trace, and every string is scrubbed.
 */
export function parseStepFailure(error: string | undefined, cause: string | undefined): StepFailure {
  const name = error ?? 'Unknown';
  const plain = (message: string): StepFailure => ({
    error: name,
    code: name,
    message: redactString(message),
  });
  if (!cause) return plain('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return plain(cause); // a plain-text cause from a Fail state
  }
  if (isRecord(parsed) && 'errorMessage' in parsed) {
    const inner = parsed.errorMessage;
    if (typeof inner !== 'string') parsed = inner;
    else {
      try {
        parsed = JSON.parse(inner);
      } catch {
        return plain(inner);
      }
    }
  }
  if (isRecord(parsed) && 'code' in parsed) {
    return {
      ...(redact(parsed) as Record<string, unknown>),
      error: name,
      code: String(parsed.code),
      message: redactString(String(parsed.message ?? '')),
    };
  }
  return plain(isRecord(parsed) ? '' : cause);
}
