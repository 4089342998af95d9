import { describe, expect, it } from 'vitest';
import {
  checkTimes,
  delaySeconds,
  nextPoll,
  startPolling,
  type PollPolicy,
} from '../../functions/core/schedule';

const policy: PollPolicy = { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: 30, deadlineSeconds: 100 };
const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('poll schedule', () => {
  it('grows geometrically and caps', () => {
    // Act
    const delays = [0, 1, 2, 3, 4, 5].map((a) => delaySeconds(policy, a));
    // Assess
    expect(delays).toEqual([5, 10, 20, 30, 30, 30]);
  });

  it('starts with the first delay and a deadline', () => {
    // Act
    const s = startPolling(policy, t0);
    // Assess
    expect(s).toEqual({
      startedAt: t0.toISOString(),
      deadlineAt: at(100).toISOString(),
      attempt: 0,
      waitUntil: at(5).toISOString(),
      waitSeconds: 5,
      pastDeadline: false,
    });
  });

  it('gives the wait as whole unscaled seconds, at least 1, for the callback state timeout', () => {
    // Act
    const scaled = startPolling({ ...policy, firstDelaySeconds: 2.5 }, t0, 0.01);
    const atDeadline = nextPoll({ ...startPolling(policy, t0), attempt: 4 }, policy, at(100));
    // Assess: 2.5 s × 0.01 = 25 ms of real time, 3 whole unscaled seconds (the runner scales them back)
    expect(new Date(scaled.waitUntil).getTime() - t0.getTime()).toBe(25);
    expect(scaled.waitSeconds).toBe(3);
    expect(atDeadline.waitSeconds).toBe(1);
  });

  it('clamps the wait to the deadline and flags it once reached', () => {
    // Prepare
    let s = startPolling(policy, t0);
    // Act
    s = nextPoll({ ...s, attempt: 4 }, policy, at(90));
    const after = nextPoll(s, policy, at(100));
    // Assess
    expect(s.waitUntil).toBe(at(100).toISOString());
    expect(s.pastDeadline).toBe(false);
    expect(after.pastDeadline).toBe(true);
  });

  it('scales every delay and the deadline by timeScale', () => {
    // Act
    const s = startPolling(policy, t0, 0.01);
    const n = nextPoll(s, policy, at(0.05), 0.01);
    // Assess
    expect(s.waitUntil).toBe(new Date(t0.getTime() + 50).toISOString());
    expect(s.deadlineAt).toBe(at(1).toISOString());
    expect(n.waitUntil).toBe(new Date(t0.getTime() + 50 + 100).toISOString());
  });

  it('rejects nonsense policies', () => {
    expect(() => startPolling({ ...policy, factor: 0.5 }, t0)).toThrow(RangeError);
    expect(() => startPolling(policy, t0, 0)).toThrow(RangeError);
  });

  it('lists check times up to a horizon', () => {
    expect(checkTimes(policy, 40)).toEqual([5, 15, 35, 65]);
  });
});
