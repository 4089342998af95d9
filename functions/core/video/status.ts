/**
 * How an execution's end reads as a video status (the execution-end write, functions/core/records).
 * While it runs, the steps write `queued`/`running`/`saving` themselves.
 *   SUCCEEDED → `succeeded`
 *   FAILED    → by error name: VideoExpired and QueueExpired `expired`, VideoCancelled `cancelled`, TimedOut `timed_out`,
 *               anything else (VideoFailed, Upstream.Rejected, TaskCreation*, SaveFailed…) `failed`
 *   TIMED_OUT → `timed_out` (the state machine's own backstop timeout)
 *   ABORTED   → `cancelled` (DELETE /videos/{id} stops the execution)
 */
import type { VideoStatus } from '../api-schemas/videos';
import { STEP_ERRORS, parseStepFailure } from '../step-errors';
import { VIDEO_ERRORS } from './job';

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

const FAILED_BY_ERROR: Record<string, VideoStatus> = {
  [VIDEO_ERRORS.expired]: 'expired',
  [VIDEO_ERRORS.cancelled]: 'cancelled',
  [VIDEO_ERRORS.timedOut]: 'timed_out',
  // Waited for the account's budget longer than the cap, before any task existed.
  [STEP_ERRORS.queueExpired]: 'expired',
};

export function videoStatus(
  executionStatus: ExecutionStatus | string,
  error: string | undefined,
): VideoStatus {
  switch (executionStatus) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED':
      return (error && FAILED_BY_ERROR[error]) || 'failed';
    case 'TIMED_OUT':
      return 'timed_out';
    case 'ABORTED':
      return 'cancelled';
    default:
      return 'queued';
  }
}

export interface VideoError {
  code: string;
  message: string;
  /** The state error (`VideoFailed`, `Upstream.Rejected`…). */
  error: string;
}

/** The failure a caller sees, from DescribeExecution's error/cause; no stack, no URL. */
export function videoError(error: string | undefined, cause: string | undefined): VideoError {
  const f = parseStepFailure(error, cause);
  return { error: f.error, code: f.code, message: f.message };
}
