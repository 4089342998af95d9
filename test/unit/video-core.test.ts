// The video domain without AWS: request → CreateTask input, IDs and fingerprints, the status model,
// recognising our task after an ambiguous create, and the API view of an execution.
import { describe, expect, it } from 'vitest';
import { startPolling } from '../../functions/core/schedule';
import { idempotencyHeaders } from '../../functions/core/api-schemas/headers';
import { createVideoBody } from '../../functions/core/api-schemas/videos';
import type { VideoTask } from '../../functions/core/ark/types';
import { loadConfig } from '../../functions/core/config';
import {
  base32,
  buildCreateTaskInput,
  canonicalJson,
  executionArn,
  executionExpiresAfter,
  executionName,
  fingerprint,
  idempotencyScope,
  lookForOurTask,
  newVideoId,
  pastWindow,
  progressAfterLook,
  referencedAssetIds,
  seedFor,
  videoIdFromKey,
  videoPollPolicy,
  videoStatus,
  videoView,
  type VideoJobInput,
} from '../../functions/core/video';
import {
  videoEndChange,
  videoProgressChange,
  type RecordChange,
  type VideoRecord,
} from '../../functions/core/records';

const A1 = 'asset-20260318035710-aaaaa';
const A2 = 'asset-20260318035711-bbbbb';

describe('CreateTask input', () => {
  it('puts the text first, then images, videos and audios in the caller order', () => {
    // Prepare
    const body = createVideoBody.parse({
      prompt: 'Image 1 and Image 2 dance like Video 1 to Audio 1',
      referenceAudios: [{ url: 'https://x.test/a.mp3' }],
      referenceVideos: [{ assetId: A2, durationSeconds: 5 }],
      references: [{ assetId: A1 }, { url: 'https://x.test/b.png' }],
      ratio: '9:16',
      resolution: '720p',
      duration: 8,
      generateAudio: false,
      watermark: true,
      returnLastFrame: true,
    });
    // Act
    const input = buildCreateTaskInput(body, { model: 'm', seed: 42, executionExpiresAfter: 3600 });
    // Assess
    expect(input).toEqual({
      model: 'm',
      seed: 42,
      content: [
        { type: 'text', text: 'Image 1 and Image 2 dance like Video 1 to Audio 1' },
        { type: 'image_url', image_url: { url: `asset://${A1}` }, role: 'reference_image' },
        { type: 'image_url', image_url: { url: 'https://x.test/b.png' }, role: 'reference_image' },
        { type: 'video_url', video_url: { url: `asset://${A2}` }, role: 'reference_video' },
        { type: 'audio_url', audio_url: { url: 'https://x.test/a.mp3' }, role: 'reference_audio' },
      ],
      ratio: '9:16',
      resolution: '720p',
      duration: 8,
      generate_audio: false,
      watermark: true,
      return_last_frame: true,
      execution_expires_after: 3600,
    });
    expect(referencedAssetIds(input)).toEqual([A1, A2]);
  });

  it('gives first and last frame their roles and leaves unset options to upstream defaults', () => {
    // Prepare
    const body = createVideoBody.parse({
      prompt: 'p',
      lastFrame: { assetId: A2 },
      firstFrame: { assetId: A1 },
    });
    // Act
    const input = buildCreateTaskInput(body, { model: 'm', seed: 7 });
    // Assess
    expect(input).toEqual({
      model: 'm',
      seed: 7,
      content: [
        { type: 'text', text: 'p' },
        { type: 'image_url', image_url: { url: `asset://${A1}` }, role: 'first_frame' },
        { type: 'image_url', image_url: { url: `asset://${A2}` }, role: 'last_frame' },
      ],
    });
  });

  it('lets upstream hold a task as configured (default 48 h), never less than our deadline, within range', () => {
    // Act
    const byDefault = [60, 3600, 5400, 10_000_000].map((d) => executionExpiresAfter(d));
    const short = [60, 3600, 5400, 10_000_000].map((d) => executionExpiresAfter(d, 3600));
    // Assess
    expect(byDefault).toEqual([172_800, 172_800, 172_800, 259_200]);
    expect(short).toEqual([3600, 3600, 5400, 259_200]);
  });
});

describe('video IDs and fingerprints', () => {
  it.each([
    [
      'arn:aws:sts::123456789012:assumed-role/App/botocore-session-1700000000',
      'arn:aws:sts::123456789012:assumed-role/App',
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/App/other-session',
      'arn:aws:sts::123456789012:assumed-role/App',
    ],
    ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/alice'],
    ['', ''],
  ])('scopes idempotency keys to the role, not the session: %s', (arn, scope) => {
    expect(idempotencyScope(arn)).toBe(scope);
  });

  it('derives the same ID from the same key and caller, and another for another caller', () => {
    // Act
    const a = videoIdFromKey('key-1', 'arn:aws:iam::1:user/a');
    const again = videoIdFromKey('key-1', 'arn:aws:iam::1:user/a');
    const other = videoIdFromKey('key-1', 'arn:aws:iam::1:user/b');
    // Assess
    expect(a).toMatch(/^vid-[0-9a-z]{26}$/);
    expect(again).toBe(a);
    expect(other).not.toBe(a);
  });

  it.each([
    ['has space', false],
    ['tab\there', false],
    ['', false],
    ['x'.repeat(256), false],
    ['550e8400-e29b-41d4-a716-446655440000', true],
    ['~!@#$%^&*()', true],
  ])('the Idempotency-Key header schema takes %j: %s', (key, ok) => {
    // Act
    const r = idempotencyHeaders.safeParse({ 'idempotency-key': key });
    // Assess
    expect(r.success).toBe(ok);
  });

  it('makes random IDs that sort by creation time', () => {
    // Act
    const early = newVideoId(new Date('2026-01-01T00:00:00Z'), new Uint8Array(10).fill(255));
    const late = newVideoId(new Date('2026-01-01T00:00:01Z'), new Uint8Array(10));
    // Assess
    expect(early).toMatch(/^vid-[0-9a-z]{26}$/);
    expect(early < late).toBe(true);
  });

  it('encodes Crockford base32 (RFC 4648 test vector, other alphabet)', () => {
    // Act
    const out = base32(Buffer.from('foobar'));
    // Assess: RFC 4648 'MZXW6YTBOI' mapped to the lower-case Crockford alphabet
    expect(out).toBe('csqpyrk1e8');
  });

  it('fingerprints bodies by content, not key order or absent fields', () => {
    // Act
    const a = fingerprint({ prompt: 'p', ratio: '1:1', seed: undefined });
    const b = fingerprint({ ratio: '1:1', prompt: 'p' });
    const c = fingerprint({ ratio: '16:9', prompt: 'p' });
    // Assess
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('keeps a caller seed and derives a 32-bit one from the video ID otherwise', () => {
    // Act
    const kept = seedFor('vid-x', 123);
    const derived = seedFor('vid-x', -1);
    const same = seedFor('vid-x');
    // Assess
    expect(kept).toBe(123);
    expect(derived).toBe(same);
    expect(derived).toBeGreaterThanOrEqual(0);
    expect(derived).toBeLessThanOrEqual(4_294_967_295);
    expect(seedFor('vid-y')).not.toBe(derived);
  });

  it('builds execution ARNs from the state machine ARN and reads the name back', () => {
    // Act
    const arn = executionArn('arn:aws:states:us-east-1:123456789012:stateMachine:Video', 'vid-abc');
    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:Video:vid-abc');
    expect(executionName(arn)).toBe('vid-abc');
  });
});

describe('the video poll policy', () => {
  it('comes from config: first check after 20 s, growing by 1.25, capped at 30 s, 60 min deadline', () => {
    // Act
    const policy = videoPollPolicy(loadConfig({}));
    // Assess
    expect(policy).toEqual({
      firstDelaySeconds: 20,
      factor: 1.25,
      maxDelaySeconds: 30,
      deadlineSeconds: 3600,
      holdWhileQueuedSeconds: 172_800,
    });
  });

  it('holds the deadline while upstream keeps the task queued, up to execution_expires_after, then counts work', () => {
    // Prepare: a 60 s deadline, upstream may hold the task 1 h
    const policy = videoPollPolicy(
      loadConfig({ VIDEO_DEADLINE_SECONDS: '60', VIDEO_EXECUTION_EXPIRES_AFTER_SECONDS: '3600' }),
    );
    const t0 = new Date('2026-12-02T00:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const task = (status: 'queued' | 'running') =>
      ({ id: 'cgt-1', status, rawStatus: status, model: 'm' }) as Parameters<typeof progressAfterLook>[1];
    let job = { taskId: 'cgt-1', createAttempts: 1, poll: startPolling(policy, t0) };
    // Act: queued for 30 min (polled every 30 s), then running for 61 s
    for (let s = 30; s <= 1800; s += 30)
      job = { ...job, ...progressAfterLook(job, task('queued'), policy, at(s), 1) } as typeof job;
    const queuedDeadline = Date.parse(job.poll.deadlineAt);
    const firstRunning = progressAfterLook(job, task('running'), policy, at(1830), 1);
    const lateRunning = progressAfterLook(
      { ...job, poll: firstRunning.poll! },
      task('running'),
      policy,
      at(1861),
      1,
    );
    // Never past the bound: queued 2 h still ends at 1 h + a poll
    let long = { taskId: 'cgt-1', createAttempts: 1, poll: startPolling(policy, t0) };
    for (let s = 30; s <= 7200; s += 30)
      long = { ...long, ...progressAfterLook(long, task('queued'), policy, at(s), 1) } as typeof long;
    // Assess
    expect(job.poll.pastDeadline).toBe(false);
    expect(queuedDeadline).toBe(at(1860).getTime());
    expect(firstRunning.poll?.pastDeadline).toBe(false);
    expect(lateRunning.poll?.pastDeadline).toBe(true);
    expect(Date.parse(long.poll.deadlineAt)).toBe(at(3600 + 30).getTime());
    expect(long.poll.pastDeadline).toBe(true);
  });
});

describe('status model', () => {
  it.each([
    ['SUCCEEDED', undefined, 'succeeded'],
    ['FAILED', 'VideoFailed', 'failed'],
    ['FAILED', 'Upstream.Rejected', 'failed'],
    ['FAILED', 'TaskCreationUncertain', 'failed'],
    ['FAILED', 'VideoExpired', 'expired'],
    ['FAILED', 'VideoCancelled', 'cancelled'],
    ['FAILED', 'TimedOut', 'timed_out'],
    ['TIMED_OUT', 'States.Timeout', 'timed_out'],
    ['ABORTED', undefined, 'cancelled'],
  ] as const)('an execution that ended %s %s reads as %s', (status, error, expected) => {
    // Act
    const s = videoStatus(status, error);
    // Assess
    expect(s).toBe(expected);
  });

  it.each([
    ['queued', 'queued'],
    ['running', 'running'],
  ] as const)('a poll that finds the task %s records the video as %s', (taskStatus, expected) => {
    // Prepare
    const job: VideoJobInput = {
      videoId: 'v',
      fingerprint: 'f',
      requestedAt: '2026-01-01T00:00:00Z',
      request: { model: 'm', content: [] },
    };
    // Act
    const change = videoProgressChange(job, { taskId: 't', taskStatus, createAttempts: 1 });
    // Assess
    expect(change).toMatchObject({ status: expected, set: { taskId: 't' } });
  });
});

function task(over: Partial<VideoTask>): VideoTask {
  return {
    id: 'cgt-1',
    model: 'm',
    status: 'queued',
    rawStatus: 'queued',
    error: null,
    createdAt: Date.parse('2026-01-01T00:00:10Z') / 1000,
    updatedAt: Date.parse('2026-01-01T00:00:10Z') / 1000,
    seed: 42,
    ...over,
  };
}

describe('recognising our task after an ambiguous CreateTask', () => {
  const since = new Date('2026-01-01T00:00:00Z');
  const request = {
    model: 'm',
    seed: 42,
    resolution: '720p' as const,
    ratio: 'adaptive' as const,
    content: [],
  };

  it('matches on model, options and the seed we chose, created after the request', () => {
    // Prepare
    const tasks = [
      task({ id: 'other-seed', seed: 41 }),
      task({ id: 'other-model', model: 'n' }),
      task({ id: 'too-old', createdAt: since.getTime() / 1000 - 600 }),
      task({ id: 'ours', resolution: '720p', ratio: '16:9' }),
    ];
    // Act
    const found = lookForOurTask(request, tasks, since);
    // Assess
    expect(found.match?.id).toBe('ours');
    expect(found.unverifiable).toEqual([]);
    expect(found.recent).toBe(3);
  });

  it('reports recent look-alikes without a seed as unverifiable', () => {
    // Act
    const found = lookForOurTask(request, [task({ id: 'no-seed', seed: undefined })], since);
    // Assess
    expect(found.match).toBeUndefined();
    expect(found.unverifiable.map((t) => t.id)).toEqual(['no-seed']);
  });

  it('never adopts a look-alike by a seed the caller fixed: another video may share it', () => {
    // Prepare
    const tasks = [task({ id: 'same-seed', seed: 42 }), task({ id: 'no-seed', seed: undefined })];
    // Act
    const found = lookForOurTask(request, tasks, since, false);
    // Assess
    expect(found.match).toBeUndefined();
    expect(found.unverifiable.map((t) => t.id).sort()).toEqual(['no-seed', 'same-seed']);
  });

  it('knows when a page is entirely older than the window', () => {
    // Act
    const old = pastWindow([task({ createdAt: since.getTime() / 1000 - 600 })], since);
    const fresh = pastWindow([task({})], since);
    // Assess
    expect([old, fresh]).toEqual([true, false]);
  });
});

describe('the video view', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const stop = new Date('2026-01-01T00:03:00Z');
  const input = JSON.stringify({
    videoId: 'vid-1',
    requestedAt: start.toISOString(),
    request: { model: 'm', content: [] },
  });
  /** The record a change leaves when it is the only write (the adapter's if_not_exists + SET). */
  const recordOf = (c: RecordChange): VideoRecord =>
    ({
      kind: 'video',
      id: c.id,
      status: c.status,
      rank: c.rank,
      updatedAt: c.at.toISOString(),
      ...c.setIfMissing,
      ...c.set,
    }) as VideoRecord;

  it('shows a succeeded video with links, usage and times', () => {
    // Prepare
    const output = JSON.stringify({
      videoId: 'vid-1',
      taskId: 'cgt-1',
      model: 'm',
      video: { key: 'videos/vid-1/video.mp4', bytes: 10, contentType: 'video/mp4' },
      usage: { completionTokens: 5, totalTokens: 5 },
      seed: 42,
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
    });
    const record = recordOf(
      videoEndChange({ name: 'vid-1', status: 'SUCCEEDED', startDate: start, stopDate: stop, input, output }),
    );
    // Act
    const view = videoView(record, {
      videoUrl: 'https://s3/v',
      lastFrameUrl: 'https://s3/f',
      expiresAt: '2026-01-01T00:18:00.000Z',
    });
    // Assess
    expect(view).toEqual({
      videoId: 'vid-1',
      status: 'succeeded',
      model: 'm',
      taskId: 'cgt-1',
      videoUrl: 'https://s3/v',
      lastFrameUrl: 'https://s3/f',
      linksExpireAt: '2026-01-01T00:18:00.000Z',
      usage: { completionTokens: 5, totalTokens: 5 },
      seed: 42,
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      createdAt: start.toISOString(),
      updatedAt: stop.toISOString(),
      finishedAt: stop.toISOString(),
    });
  });

  it('shows the upstream code and message of a failed video, from a Fail state or a Lambda error', () => {
    // Prepare
    const failCause = JSON.stringify({
      code: 'OutputVideoSensitiveContentDetected',
      message: 'flagged',
      taskId: 'cgt-1',
    });
    const lambdaCause = JSON.stringify({
      errorType: 'Upstream.Rejected',
      errorMessage: JSON.stringify({ code: 'InvalidParameter', message: 'bad asset' }),
      trace: [],
    });
    // Act
    const a = videoView(
      recordOf(
        videoEndChange({ name: 'v', status: 'FAILED', input, error: 'VideoFailed', cause: failCause }),
      ),
    );
    const b = videoView(
      recordOf(
        videoEndChange({
          name: 'v',
          status: 'FAILED',
          input,
          error: 'Upstream.Rejected',
          cause: lambdaCause,
        }),
      ),
    );
    // Assess
    expect(a.error).toEqual({ code: 'OutputVideoSensitiveContentDetected', message: 'flagged' });
    expect(b).toMatchObject({ status: 'failed', error: { code: 'InvalidParameter', message: 'bad asset' } });
  });

  it('shows a running video with its task from the last poll', () => {
    // Prepare
    const job: VideoJobInput = {
      videoId: 'v',
      fingerprint: 'f',
      requestedAt: start.toISOString(),
      request: { model: 'm', content: [] },
    };
    // Act
    const view = videoView(
      recordOf(videoProgressChange(job, { taskId: 'cgt-9', taskStatus: 'running', createAttempts: 1 }, stop)),
    );
    // Assess
    expect(view).toEqual({
      videoId: 'v',
      status: 'running',
      model: 'm',
      taskId: 'cgt-9',
      createdAt: start.toISOString(),
      updatedAt: stop.toISOString(),
    });
  });
});
