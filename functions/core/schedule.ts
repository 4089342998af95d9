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
