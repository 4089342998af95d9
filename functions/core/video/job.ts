/**
 * The video state machine's data: the execution input POST /videos builds, the `$.job` progress record
 * the steps write, and the state names the API reads back from the execution history. The ASL file
 * (statemachines/video-generation.asl.json) refers to exactly these paths and names; a test checks that.
 */
import type { CreateTaskInput, TaskStatus } from '../ark/types';
import type { Config } from '../config';
import type { QueuePlace } from '../governor/acquire';
import type { PollPolicy, PollState } from '../schedule';
import type { MediaEntry } from './content';
import { STEP_ERRORS } from '../step-errors';

/** Execution input. Carries no secret; content URLs are the caller's own or `asset://` IDs. */
export interface VideoJobInput {
  videoId: string;
  /** sha256 of the canonical validated body (functions/core/video/fingerprint.ts). */
  fingerprint: string;
  /** ISO-8601; lower bound of the creation time of our upstream task (for the ambiguous-create lookup). */
  requestedAt: string;
  request: CreateTaskInput;
  /**
   * The caller fixed the seed: it no longer tells our task from another video's with the same seed and
   * options, so an ambiguous create cannot be matched by it (find-task.ts). Absent = we chose it.
   */
  seedChosenByCaller?: boolean;
  /** What the prompt calls each media item (groups expanded); a replay answers with it. */
  media?: MediaEntry[];
  /** The caller's `metadata`, echoed on GET. */
  metadata?: Record<string, unknown>;
  /** Groups of the library assets referenced, so the record lists under them (GET /videos?groupId=). */
  groupIds?: string[];
}

/** `$.job`: written by CreateTask, FindTask, PollTask and ReschedulePoll. */
export interface JobProgress {
  taskId?: string;
  taskStatus?: TaskStatus;
  /** The status exactly as upstream said it (`processing` from some gateways counts as running). */
  rawStatus?: string;
  /** CreateTask calls made so far (counted by FindTask after an ambiguous failure). */
  createAttempts: number;
  poll?: PollState;
  /** Set when the task ended without a video: the Fail state's Cause (JSON `{code, message}`). */
  failure?: { cause: string };
  /** The running slot the task holds in the governor (released when it ends, renewed at each look). */
  slot?: { pool: string; ticket: number };
}

/** `$.budget`: the job's places in the governor's queues, carried by the ASL between wake-ups. */
export interface TaskQueuePlace extends QueuePlace {
  /** The running-slot queue of the task's pool (its ticket is also the lease's). */
  slot?: QueuePlace & { pool?: string };
  /** The task-create rate queue. */
  rate?: QueuePlace;
}

/** CreateTask without budget: the ASL waits until `budget.waitUntil` and calls it again with `budget`. */
export interface CreateTaskQueued {
  queued: true;
  createAttempts: number;
  budget: TaskQueuePlace & { waitUntil: string; queuePosition: number; estimatedStartAt: string };
}

export interface VideoJobState extends VideoJobInput {
  job?: JobProgress;
  /** Catch output (`{Error, Cause}`) of a CreateTask that failed ambiguously. */
  createError?: { Error: string; Cause: string };
  /** Catch output of a PollTask whose retries ran out. */
  pollError?: { Error: string; Cause: string };
  /** Places in the governor's queues (JoinTaskQueue starts it, HoldTaskQueuePlace keeps it). */
  budget?: TaskQueuePlace;
}

export interface SavedObject {
  key: string;
  bytes: number;
  contentType: string;
}

/** What SaveVideo returns and the execution outputs on success. */
export interface VideoResult {
  videoId: string;
  taskId: string;
  model: string;
  video: SavedObject;
  lastFrame?: SavedObject;
  usage?: { completionTokens: number; totalTokens: number };
  seed?: number;
  resolution?: string;
  ratio?: string;
  duration?: number;
  /** ISO-8601 instant upstream finished (its `updated_at`). */
  finishedAt?: string;
}

/** State names of the ASL that the API interprets. */
export const VIDEO_STATES = {
  createTask: 'CreateTask',
  waitForTaskBudget: 'WaitForTaskBudget',
  findTask: 'FindTask',
  taskFound: 'TaskFound?',
  waitForTask: 'WaitForTask',
  pollTask: 'PollTask',
  reschedulePoll: 'ReschedulePoll',
  taskStatus: 'TaskStatus?',
  saveVideo: 'SaveVideo',
  cancelOnDeadline: 'CancelOnDeadline',
} as const;

/** The video's names in the step-error catalogue (functions/core/step-errors.ts). */
export const VIDEO_ERRORS = {
  failed: STEP_ERRORS.videoFailed,
  expired: STEP_ERRORS.videoExpired,
  cancelled: STEP_ERRORS.videoCancelled,
  timedOut: STEP_ERRORS.timedOut,
  creationFailed: STEP_ERRORS.taskCreationFailed,
  creationUncertain: STEP_ERRORS.taskCreationUncertain,
  saveFailed: STEP_ERRORS.saveFailed,
} as const;

/**
 * Times CreateTask may be called for one video, each after a lookup found no task, so a higher bound
 * costs nothing but a little time. 5 keeps a video alive through a 15 % rate of failed creates
 * (0.15^5 ≈ 1e-4), which 3 did not (the fault suite lost about one video in twenty runs).
 */
export const MAX_CREATE_ATTEMPTS = 5;

/**
 * The poll schedule. With callbacks (a public base URL to receive them), a poll is only the fallback
 * for a callback that never came: the waits stretch to `videoCallbackFallbackSeconds`. While upstream
 * holds the task queued, the deadline does not run (`holdWhileQueuedSeconds`: up to
 * execution_expires_after, past which upstream expires the task itself).
 */
export function videoPollPolicy(
  config: Pick<
    Config,
    'videoFirstPollSeconds' | 'videoPollFactor' | 'videoMaxPollSeconds' | 'videoDeadlineSeconds'
  > &
    Partial<
      Pick<Config, 'callbackBaseUrl' | 'videoCallbackFallbackSeconds' | 'videoExecutionExpiresAfterSeconds'>
    >,
): PollPolicy {
  const fallback = config.callbackBaseUrl ? (config.videoCallbackFallbackSeconds ?? 0) : 0;
  const first = Math.max(config.videoFirstPollSeconds, fallback);
  return {
    firstDelaySeconds: first,
    factor: config.videoPollFactor,
    maxDelaySeconds: Math.max(config.videoMaxPollSeconds, first),
    deadlineSeconds: config.videoDeadlineSeconds,
    ...(config.videoExecutionExpiresAfterSeconds !== undefined
      ? { holdWhileQueuedSeconds: config.videoExecutionExpiresAfterSeconds }
      : {}),
  };
}

/**
 * Beyond the waits, what a video may still need: CreateTask's throttle retries and the lookup after
 * an ambiguous create before polling starts (~30 min at worst), and SaveVideo's 900 s Lambda through its
 * retries (~2.5 h at worst).
 */
export const BACKSTOP_ALLOWANCE_SECONDS = 3 * 3600;

/**
 * The state machine's own TimeoutSeconds: a backstop behind the poll loop's deadline (which ends the
 * loop with CancelOnDeadline), tied to the settings rather than a fixed number. A video may wait for our
 * budget up to `queueMaxWaitSeconds`, then upstream holds it (queued and running) up to
 * execution_expires_after (at least the deadline): neither ever meets the backstop.
 */
export function videoBackstopSeconds(t: {
  videoDeadlineSeconds: number;
  queueMaxWaitSeconds: number;
  videoExecutionExpiresAfterSeconds?: number;
}): number {
  const upstream = Math.max(
    t.videoDeadlineSeconds,
    t.videoExecutionExpiresAfterSeconds ?? executionExpiresAfter(t.videoDeadlineSeconds),
  );
  return t.queueMaxWaitSeconds + Math.ceil(upstream) + BACKSTOP_ALLOWANCE_SECONDS;
}

/**
 * Upstream's own expiry for an unfinished task, counted from its creation (queued and running): the
 * configured value (default upstream's 48 h), never below our deadline, within the allowed 3600–259200 s.
 */
export function executionExpiresAfter(deadlineSeconds: number, configured = 172_800): number {
  return Math.min(259_200, Math.max(3_600, Math.ceil(Math.max(deadlineSeconds, configured))));
}

export { videoKeys } from '../storage-layout';
