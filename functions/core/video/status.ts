/**
 * The status model: what the API calls a video, from what Step Functions knows about its execution.
 *   RUNNING   → `saving` while SaveVideo runs, else the last polled task status (`queued`/`running`)
 *   SUCCEEDED → `succeeded`
 *   FAILED    → by error name: VideoExpired `expired`, VideoCancelled `cancelled`, TimedOut `timed_out`,
 *               anything else (VideoFailed, Upstream.Rejected, TaskCreation*, SaveFailed…) `failed`
 *   TIMED_OUT → `timed_out` (the state machine's own backstop timeout)
 *   ABORTED   → `cancelled` (DELETE /videos/{id} stops the execution)
 * Execution history is read newest first; only its entered/exited state events matter here, described
 * structurally so this module stays free of AWS types.
 */
import type { VideoStatus } from '../api-schemas/videos';
import { parseStepFailure } from '../step-errors';
import { VIDEO_ERRORS, VIDEO_STATES, type JobProgress } from './job';

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface HistoryEvent {
  type?: string;
  stateEnteredEventDetails?: { name?: string; input?: string };
  stateExitedEventDetails?: { name?: string; output?: string };
}

export interface HistoryFacts {
  /** Name of the state entered last. */
  lastState?: string;
  /** The newest `$.job` seen in a state's input or output. */
  job?: JobProgress;
}

function jobIn(json: string | undefined): JobProgress | undefined {
  if (!json) return undefined;
  try {
    const parsed = JSON.parse(json) as { job?: JobProgress };
    return parsed && typeof parsed === 'object' && parsed.job && typeof parsed.job === 'object'
      ? parsed.job
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads events given newest first (GetExecutionHistory with reverseOrder). */
export function historyFacts(newestFirst: readonly HistoryEvent[]): HistoryFacts {
  const facts: HistoryFacts = {};
  for (const ev of newestFirst) {
    if (facts.lastState === undefined && ev.stateEnteredEventDetails?.name)
      facts.lastState = ev.stateEnteredEventDetails.name;
    if (facts.job === undefined)
      facts.job = jobIn(ev.stateExitedEventDetails?.output) ?? jobIn(ev.stateEnteredEventDetails?.input);
    if (facts.lastState !== undefined && facts.job !== undefined) break;
  }
  return facts;
}

const FAILED_BY_ERROR: Record<string, VideoStatus> = {
  [VIDEO_ERRORS.expired]: 'expired',
  [VIDEO_ERRORS.cancelled]: 'cancelled',
  [VIDEO_ERRORS.timedOut]: 'timed_out',
};

export function videoStatus(
  executionStatus: ExecutionStatus | string,
  error: string | undefined,
  history: HistoryFacts = {},
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
      if (history.lastState === VIDEO_STATES.saveVideo) return 'saving';
      return history.job?.taskStatus === 'running' ? 'running' : 'queued';
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

/** Which execution statuses can hold videos of an API status (for ListExecutions' statusFilter). */
export function executionStatusesFor(status: VideoStatus): ExecutionStatus[] {
  switch (status) {
    case 'queued':
    case 'running':
    case 'saving':
      return ['RUNNING'];
    case 'succeeded':
      return ['SUCCEEDED'];
    case 'failed':
    case 'expired':
      return ['FAILED'];
    case 'cancelled':
      return ['FAILED', 'ABORTED'];
    case 'timed_out':
      return ['FAILED', 'TIMED_OUT'];
  }
}
