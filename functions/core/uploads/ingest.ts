/**
 * The ingest workflow's contract shared by the trigger, the steps and the status route: the execution
 * input, the poll schedule of the GetAsset loop, and which ASL states count as "validating".
 */
import { startPolling, type PollPolicy, type PollState } from '../schedule';
import { STEP_ERRORS } from '../step-errors';

/** What the upload trigger starts each execution with (the execution is named by `uploadId`). */
export interface IngestInput {
  bucket: string;
  key: string;
  groupId: string;
  uploadId: string;
  /** Object size from the S3 event (HeadObject in Validate is authoritative). */
  size: number;
  eventTime?: string;
}

/**
 * GetAsset checks: the first after ~5 s (upstream takes about 5–13 s per image), then growing by 1.4×
 * up to 30 s between checks; the whole ingest gives up 15 min after the execution started.
 */
export const INGEST_POLL_POLICY: PollPolicy = {
  firstDelaySeconds: 5,
  factor: 1.4,
  maxDelaySeconds: 30,
  deadlineSeconds: 15 * 60,
};

/**
 * The first poll state after a CreateAsset, with the deadline counted from the execution's start (not
 * from this CreateAsset), so the DownloadFailed re-creation cannot stretch the overall limit.
 */
export function ingestPollStart(now: Date, executionStart: Date | undefined, timeScale = 1): PollState {
  const state = startPolling(INGEST_POLL_POLICY, now, timeScale);
  if (!executionStart || Number.isNaN(executionStart.getTime())) return state;
  const overall = new Date(executionStart.getTime() + INGEST_POLL_POLICY.deadlineSeconds * 1000 * timeScale);
  if (overall >= new Date(state.deadlineAt)) return state;
  const deadlineAt = overall.toISOString();
  return {
    ...state,
    deadlineAt,
    waitUntil: new Date(state.waitUntil) < overall ? state.waitUntil : deadlineAt,
  };
}

/** ASL states during which an upload reads as `validating` (the rest of a running execution is `ingesting`). */
export const VALIDATION_STATES: readonly string[] = [
  'Validate',
  'IsAcceptable',
  'ReplacedDuringValidation',
  'Quarantine',
];

/** The ingest's names in the step-error catalogue (functions/core/step-errors.ts). */
export const INGEST_ERRORS = {
  rejected: STEP_ERRORS.imageRejected,
  assetFailed: STEP_ERRORS.assetFailed,
  timedOut: STEP_ERRORS.timedOut,
  uploadMissing: STEP_ERRORS.uploadMissing,
  /** The object changed between the checks and the pinned copy: what was checked is gone. */
  uploadReplaced: STEP_ERRORS.uploadReplaced,
  queueExpired: STEP_ERRORS.queueExpired,
} as const;

/** `arn:aws:states:r:a:stateMachine:M` + name → `arn:aws:states:r:a:execution:M:name`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new RangeError('not a state machine ARN');
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}
