/**
 * Poll schedules for the state machines' wait loops. A step computes the next `waitUntil` and the ASL
 * Wait state reads it with `TimestampPath`, so the schedule lives in tested code instead of ASL
 * arithmetic, and the local stack shrinks every wait by `timeScale` without touching the ASL files.
 * Delays grow geometrically from `firstDelaySeconds` by `factor`, capped at `maxDelaySeconds`, and are
 * clamped to the deadline so the last check happens at the deadline rather than after it.
 */

export interface PollPolicy {
  firstDelaySeconds: number;
  factor: number;
  maxDelaySeconds: number;
  deadlineSeconds: number;
  /**
   * While the job is still queued elsewhere (upstream's own queue), the deadline is held off: it stays
   * at least `deadlineSeconds` ahead, up to this many seconds after the loop started (see holdDeadline).
   */
  holdWhileQueuedSeconds?: number;
}

export interface PollState {
  /** ISO-8601 instant the loop started. */
  startedAt: string;
  /** ISO-8601 instant after which the loop gives up. */
  deadlineAt: string;
  /** Number of checks scheduled so far (0 = the first wait). */
  attempt: number;
  /** ISO-8601 instant the Wait state waits for (`TimestampPath`). */
  waitUntil: string;
  /**
   * The same wait as whole unscaled seconds (≥ 1) from now, for a `.waitForTaskToken` state's
   * `TimeoutSecondsPath` (an integer in ASL); the local runner multiplies it by the time scale.
   */
  waitSeconds: number;
  /** True once `now` has reached the deadline: the caller stops polling. */
  pastDeadline: boolean;
}

/** Delay before check number `attempt` (0-based), in unscaled seconds. */
export function delaySeconds(policy: PollPolicy, attempt: number): number {
  const raw = policy.firstDelaySeconds * Math.pow(policy.factor, Math.max(0, attempt));
  return Math.min(policy.maxDelaySeconds, raw);
}

function validate(policy: PollPolicy, timeScale: number): void {
  if (!(policy.firstDelaySeconds > 0) || !(policy.factor >= 1) || !(policy.deadlineSeconds > 0))
    throw new RangeError('PollPolicy needs firstDelaySeconds > 0, factor >= 1 and deadlineSeconds > 0');
  if (policy.maxDelaySeconds < policy.firstDelaySeconds)
    throw new RangeError('PollPolicy.maxDelaySeconds must be >= firstDelaySeconds');
  if (!(timeScale > 0)) throw new RangeError('timeScale must be > 0');
}

function addMs(base: Date, ms: number): Date {
  return new Date(base.getTime() + Math.round(ms));
}

function wholeSeconds(now: Date, until: Date, timeScale: number): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / (1000 * timeScale)));
}

export function startPolling(policy: PollPolicy, now: Date, timeScale = 1): PollState {
  validate(policy, timeScale);
  const deadline = addMs(now, policy.deadlineSeconds * 1000 * timeScale);
  const wait = addMs(now, delaySeconds(policy, 0) * 1000 * timeScale);
  const until = wait < deadline ? wait : deadline;
  return {
    startedAt: now.toISOString(),
    deadlineAt: deadline.toISOString(),
    attempt: 0,
    waitUntil: until.toISOString(),
    waitSeconds: wholeSeconds(now, until, timeScale),
    pastDeadline: false,
  };
}

export function nextPoll(state: PollState, policy: PollPolicy, now: Date, timeScale = 1): PollState {
  validate(policy, timeScale);
  const deadline = new Date(state.deadlineAt);
  const attempt = state.attempt + 1;
  const wait = addMs(now, delaySeconds(policy, attempt) * 1000 * timeScale);
  const until = wait < deadline ? wait : deadline;
  return {
    startedAt: state.startedAt,
    deadlineAt: state.deadlineAt,
    attempt,
    waitUntil: until.toISOString(),
    waitSeconds: wholeSeconds(now, until, timeScale),
    pastDeadline: now.getTime() >= deadline.getTime(),
  };
}

/** Number of checks a policy makes before `durationSeconds` has passed (for benchmarks and docs). */
export function checkTimes(policy: PollPolicy, horizonSeconds: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (let attempt = 0; t < Math.min(horizonSeconds, policy.deadlineSeconds); attempt++) {
    t = Math.min(t + delaySeconds(policy, attempt), policy.deadlineSeconds);
    times.push(t);
  }
  return times;
}

/**
 * The job is queued, not working: the deadline moves on to `deadlineSeconds` from now, but never past
 * `holdWhileQueuedSeconds` (plus one poll, so the party that ends a queue too long speaks first) after
 * the loop started. A loop without the setting keeps its deadline.
 */
export function holdDeadline(state: PollState, policy: PollPolicy, now: Date, timeScale = 1): PollState {
  if (policy.holdWhileQueuedSeconds === undefined) return state;
  const unit = 1000 * timeScale;
  const bound =
    new Date(state.startedAt).getTime() + (policy.holdWhileQueuedSeconds + policy.maxDelaySeconds) * unit;
  const wanted = Math.min(now.getTime() + policy.deadlineSeconds * unit, bound);
  if (wanted <= new Date(state.deadlineAt).getTime()) return state;
  return { ...state, deadlineAt: new Date(Math.round(wanted)).toISOString() };
}

/**
 * The same check again at `at` (no budget to look now): the schedule does not advance, and the wait
 * is clamped to the deadline like any other.
 */
export function pollAgainAt(state: PollState, at: Date, now: Date, timeScale = 1): PollState {
  const deadline = new Date(state.deadlineAt);
  const until = at < deadline ? at : deadline;
  return {
    ...state,
    waitUntil: until.toISOString(),
    waitSeconds: wholeSeconds(now, until, timeScale),
    pastDeadline: now.getTime() >= deadline.getTime(),
  };
}
