// The callback use case over fake ports: what it looks at, when it GETs, and when it wakes.
import { describe, expect, it } from 'vitest';
import type { VideoTask } from '../../functions/core/ark';
import {
  answerTaskCallback,
  callbackSignature,
  callbackUrl,
  verifyCallbackSignature,
  type CallbackStore,
  type CallbackWait,
  type FetchedTask,
  type WakeDeps,
} from '../../functions/core/callbacks';
import { startPolling } from '../../functions/core/schedule';
import type { JobProgress } from '../../functions/core/video';

const KEY = 'callback-test-key';
const POLICY = { firstDelaySeconds: 60, factor: 1, maxDelaySeconds: 60, deadlineSeconds: 3600 };
const NOW = new Date('2026-12-02T04:00:00Z');

function rig(taskStatus: VideoTask['status'], waiting = true) {
  const job: JobProgress = {
    taskId: 'cgt-1',
    taskStatus: 'running',
    rawStatus: 'running',
    createAttempts: 1,
    poll: startPolling(POLICY, NOW),
  };
  const waits = new Map<string, CallbackWait>();
  if (waiting)
    waits.set('vid-1', {
      videoId: 'vid-1',
      taskId: 'cgt-1',
      token: 'tok-1',
      job,
      armedAt: NOW.toISOString(),
    });
  const kept = new Map<string, FetchedTask>();
  const gets: string[] = [];
  const woken: { token: string; job: JobProgress }[] = [];
  const store: CallbackStore = {
    arm: async (w) => void waits.set(w.videoId, w),
    get: async (id) => waits.get(id),
    disarm: async (id, token) => waits.get(id)?.token === token && waits.delete(id),
    keepTask: async (id, f) => void kept.set(id, f),
    takeTask: async (id) => kept.get(id),
  };
  const deps: WakeDeps = {
    secret: KEY,
    store,
    getTask: async (id) => {
      gets.push(id);
      return {
        id,
        model: 'm',
        status: taskStatus,
        rawStatus: taskStatus,
        error: taskStatus === 'failed' ? { code: 'Moderated', message: 'no' } : null,
        createdAt: 0,
        updatedAt: 0,
      };
    },
    wake: async (token, next) => {
      woken.push({ token, job: next });
      return 'woken';
    },
    policy: POLICY,
    timeScale: 1,
    ttlSeconds: 3600,
    now: () => NOW,
  };
  return { deps, gets, woken, kept, waits };
}

const sig = callbackSignature(KEY, 'vid-1');

describe('answering an upstream callback', () => {
  it('wakes the waiting state with the re-fetched end and keeps the task for SaveVideo', async () => {
    // Prepare
    const r = rig('succeeded');
    // Act
    const outcome = await answerTaskCallback(
      { videoId: 'vid-1', sig, body: { id: 'cgt-1', status: 'succeeded' } },
      r.deps,
    );
    // Assess
    expect(outcome).toBe('woken');
    expect(r.gets).toEqual(['cgt-1']);
    expect(r.woken).toEqual([
      { token: 'tok-1', job: expect.objectContaining({ taskStatus: 'succeeded', taskId: 'cgt-1' }) },
    ]);
    expect(r.kept.get('vid-1')?.task.status).toBe('succeeded');
    expect(r.waits.has('vid-1')).toBe(false);
  });

  it('carries the failure cause of a failed task and keeps nothing', async () => {
    // Prepare
    const r = rig('failed');
    // Act
    const outcome = await answerTaskCallback({ videoId: 'vid-1', sig, body: { status: 'failed' } }, r.deps);
    // Assess
    expect(outcome).toBe('woken');
    expect(JSON.parse(r.woken[0]?.job.failure?.cause ?? '{}')).toMatchObject({ code: 'Moderated' });
    expect(r.kept.size).toBe(0);
  });

  it.each([
    ['a wrong signature', { sig: 'x', body: { status: 'succeeded' } }, 'forged', 0],
    ['no signature', { sig: undefined, body: { status: 'succeeded' } }, 'forged', 0],
    [
      "another video's signature",
      { sig: callbackSignature(KEY, 'vid-2'), body: { status: 'succeeded' } },
      'forged',
      0,
    ],
    ['a running claim', { sig, body: { status: 'running' } }, 'not-terminal', 0],
    ['a body that is not JSON', { sig, body: undefined }, 'not-terminal', 0],
    ['another task in the body', { sig, body: { id: 'cgt-9', status: 'succeeded' } }, 'other-task', 0],
    ['a succeeded claim for a running task', { sig, body: { status: 'succeeded' } }, 'still-running', 1],
  ])('changes nothing for %s', async (_label, cb, outcome, gets) => {
    // Prepare
    const r = rig('running');
    // Act
    const got = await answerTaskCallback({ videoId: 'vid-1', ...cb }, r.deps);
    // Assess
    expect(got).toBe(outcome);
    expect(r.gets).toHaveLength(gets);
    expect(r.woken).toEqual([]);
    expect(r.waits.get('vid-1')?.token).toBe('tok-1');
  });

  it('makes no GET when no state waits (between polls, or a retry after the wake)', async () => {
    // Prepare
    const r = rig('succeeded', false);
    // Act
    const outcome = await answerTaskCallback(
      { videoId: 'vid-1', sig, body: { status: 'succeeded' } },
      r.deps,
    );
    // Assess
    expect(outcome).toBe('not-waiting');
    expect(r.gets).toEqual([]);
  });

  it('signs URLs that verify only for their own video', () => {
    // Act
    const url = new URL(callbackUrl('https://api.example.com/v1/', 'vid-1', KEY));
    // Assess
    expect(url.pathname).toBe('/v1/callbacks/ark/vid-1');
    expect(verifyCallbackSignature(KEY, 'vid-1', url.searchParams.get('sig') ?? undefined)).toBe(true);
    expect(verifyCallbackSignature(KEY, 'vid-2', url.searchParams.get('sig') ?? undefined)).toBe(false);
    expect(verifyCallbackSignature('', 'vid-1', url.searchParams.get('sig') ?? undefined)).toBe(false);
  });
});
