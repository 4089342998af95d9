import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { normaliseTaskStatus, isTerminalStatus } from '../../functions/core/ark/status';
import type { CreateTaskInput } from '../../functions/core/ark/types';
import { VideoClient } from '../../functions/core/ark/video-client';
import { loadConfig } from '../../functions/core/config';
import { videoClient } from '../../functions/shared/clients';
import { sendJson, sendText, useLoopback, type RecordedRequest } from '../support/loopback-server';
import { apiErrorFromUpstream } from '../../functions/core/errors';
import { upstreamStepError } from '../../functions/core/step-errors';
import { THROTTLE_VARIANTS } from '../support/throttle-variants';
import { upstreamFailure } from '../support/upstream-failure';

const TOKEN = 'sk-apiyi-test-token-0123456789';
const TASKS = '/seedance/api/v3/contents/generations/tasks';

const TASK_WIRE = {
  id: 'cgt-20260421120000-abcde',
  model: 'doubao-seedance-2-0-260128',
  status: 'succeeded',
  error: null,
  created_at: 1_776_772_800,
  updated_at: 1_776_772_900,
  content: {
    video_url: 'https://cdn.example/v.mp4?sig=1',
    last_frame_url: 'https://cdn.example/l.png?sig=2',
  },
  seed: 42,
  resolution: '720p',
  ratio: '16:9',
  duration: 5,
  framespersecond: 24,
  generate_audio: true,
  usage: { completion_tokens: 108_900, total_tokens: 108_900 },
  execution_expires_after: 172_800,
};

const happy = (req: RecordedRequest, res: ServerResponse) => {
  if (req.method === 'POST') return sendJson(res, 200, { id: TASK_WIRE.id });
  if (req.method === 'DELETE') return sendJson(res, 200, {});
  if (req.path === TASKS) return sendJson(res, 200, { total: 1, items: [TASK_WIRE] });
  return sendJson(res, 200, TASK_WIRE);
};

const server = useLoopback(happy);

const client = (over: Partial<ConstructorParameters<typeof VideoClient>[0]> = {}) =>
  new VideoClient({ baseUrl: `${server.url}/seedance/`, apiToken: TOKEN, ...over });
const last = server.last;

describe('VideoClient on the wire', () => {
  it('creates a task with a Bearer token, identity encoding and the body as given', async () => {
    // Prepare
    const input: CreateTaskInput = {
      model: 'doubao-seedance-2-0-260128',
      content: [
        { type: 'text', text: 'Image 1 waves at the camera' },
        { type: 'image_url', image_url: { url: 'asset://asset-1' }, role: 'reference_image' },
      ],
      ratio: '16:9',
      duration: 5,
      generate_audio: false,
    };

    // Act
    const out = await client().createTask(input);

    // Assess
    expect(out).toEqual({ id: TASK_WIRE.id });
    expect(last()).toMatchObject({ method: 'POST', path: TASKS });
    expect(last().headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'accept-encoding': 'identity',
      'content-type': 'application/json',
    });
    expect(JSON.parse(last().body)).toEqual(input);
  });

  it('gets a task and maps it to the domain shape', async () => {
    // Prepare
    const c = client();

    // Act
    const task = await c.getTask('cgt-1/../x');

    // Assess
    expect(last()).toMatchObject({ method: 'GET', target: `${TASKS}/cgt-1%2F..%2Fx`, body: '' });
    expect(last().headers['accept-encoding']).toBe('identity');
    expect(task).toEqual({
      id: TASK_WIRE.id,
      model: TASK_WIRE.model,
      status: 'succeeded',
      rawStatus: 'succeeded',
      error: null,
      createdAt: 1_776_772_800,
      updatedAt: 1_776_772_900,
      videoUrl: TASK_WIRE.content.video_url,
      lastFrameUrl: TASK_WIRE.content.last_frame_url,
      seed: 42,
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      usage: { completionTokens: 108_900, totalTokens: 108_900 },
      executionExpiresAfter: 172_800,
    });
  });

  it('keeps a failed task as data, not as an error', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, {
        ...TASK_WIRE,
        status: 'failed',
        content: undefined,
        error: { code: 'OutputVideoSensitiveContentDetected', message: 'moderated' },
      }),
    );

    // Act
    const task = await client().getTask(TASK_WIRE.id);

    // Assess
    expect(task.status).toBe('failed');
    expect(task.error).toEqual({ code: 'OutputVideoSensitiveContentDetected', message: 'moderated' });
    expect(task.videoUrl).toBeUndefined();
  });

  it('lists tasks with page and filter query parameters', async () => {
    // Prepare
    const c = client();

    // Act
    const list = await c.listTasks({
      pageNum: 2,
      pageSize: 50,
      status: 'queued',
      taskIds: ['cgt-1', 'cgt-2'],
      model: 'doubao-seedance-2-0-fast-260128',
    });

    // Assess
    expect(last()).toMatchObject({ method: 'GET', path: TASKS });
    expect([...last().query]).toEqual([
      ['page_num', '2'],
      ['page_size', '50'],
      ['filter.status', 'queued'],
      ['filter.task_ids', 'cgt-1'],
      ['filter.task_ids', 'cgt-2'],
      ['filter.model', 'doubao-seedance-2-0-fast-260128'],
    ]);
    expect(list.total).toBe(1);
    expect(list.items[0]?.id).toBe(TASK_WIRE.id);
  });

  it('reads failure_reason on list items, as an object or a string, and prefers error when both come', async () => {
    // Prepare
    const failed = { ...TASK_WIRE, status: 'failed', content: undefined, error: undefined };
    server.respond((_req, res) =>
      sendJson(res, 200, {
        total: 4,
        items: [
          {
            ...failed,
            id: 'cgt-obj',
            failure_reason: { code: 'OutputVideoSensitiveContentDetected', message: 'moderated' },
          },
          { ...failed, id: 'cgt-str', failure_reason: 'The output video was moderated' },
          {
            ...failed,
            id: 'cgt-both',
            error: { code: 'InternalServiceError', message: 'render failed' },
            failure_reason: 'something else',
          },
          { ...TASK_WIRE, id: 'cgt-ok', failure_reason: '' },
        ],
      }),
    );

    // Act
    const list = await client().listTasks({ status: 'failed' });

    // Assess
    expect(list.items.map((t) => [t.id, t.error])).toEqual([
      ['cgt-obj', { code: 'OutputVideoSensitiveContentDetected', message: 'moderated' }],
      ['cgt-str', { code: '', message: 'The output video was moderated' }],
      ['cgt-both', { code: 'InternalServiceError', message: 'render failed' }],
      ['cgt-ok', null],
    ]);
  });

  it('cancels with DELETE and no body', async () => {
    // Prepare
    const c = client();

    // Act
    await c.cancelTask('cgt-9');

    // Assess
    expect(last()).toMatchObject({ method: 'DELETE', path: `${TASKS}/cgt-9`, body: '' });
    expect(last().headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('resolves the token on every call', async () => {
    // Prepare
    let n = 0;
    const c = client({ apiToken: async () => `sk-rotated-${++n}` });

    // Act
    await c.getTask('a');
    await c.getTask('b');

    // Assess
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer sk-rotated-1',
      'Bearer sk-rotated-2',
    ]);
  });
});

describe('task status normalisation', () => {
  it.each([
    ['queued', 'queued'],
    ['running', 'running'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['expired', 'expired'],
    ['processing', 'running'],
    ['Succeeded', 'succeeded'],
    ['canceled', 'cancelled'],
    ['pending_review', 'running'],
    ['', 'running'],
  ] as const)('%j → %s, raw value kept', async (raw, expected) => {
    // Prepare
    server.respond((_req, res) => sendJson(res, 200, { ...TASK_WIRE, status: raw }));

    // Act
    const task = await client().getTask('x');

    // Assess
    expect(task.status).toBe(expected);
    expect(task.rawStatus).toBe(raw);
  });

  it('treats non-strings as running and knows the terminal set', () => {
    // Prepare
    const raw: unknown[] = [undefined, 3, null];

    // Act
    const out = raw.map(normaliseTaskStatus);

    // Assess
    expect(out).toEqual(['running', 'running', 'running']);
    expect(['queued', 'running'].map((s) => isTerminalStatus(normaliseTaskStatus(s)))).toEqual([
      false,
      false,
    ]);
    expect(
      ['succeeded', 'failed', 'cancelled', 'expired'].every((s) => isTerminalStatus(normaliseTaskStatus(s))),
    ).toBe(true);
  });
});

const arkError =
  (status: number, code: string, message: string) => (_req: RecordedRequest, res: ServerResponse) =>
    sendJson(res, status, { error: { code, message, type: 'BadRequest' } }, { 'x-request-id': 'ark-req-1' });

describe('VideoClient errors (UPSTREAM.md §2 error list)', () => {
  it.each([
    ['InvalidParameter', 400, 'duration must be 4..15', false, false, undefined],
    [
      'InvalidParameter',
      400,
      'The specified asset asset-x is not found',
      false,
      false,
      /gateway's Volcengine account/,
    ],
    ['InputImageSensitiveContentDetected', 400, 'real face', false, false, /pick another image/],
    [
      'InputImageSensitiveContentDetected.PrivacyInformation',
      400,
      'privacy',
      false,
      false,
      /real person.*liveness check/,
    ],
    ['InputTextSensitiveContentDetected', 400, 'text', false, false, /reword/],
    ['AuthenticationError', 401, 'bad key', false, false, /SeeDance2/],
    ['AccessDenied', 403, 'denied', false, false, undefined],
    ['AccountOverdueError', 403, 'overdue', false, false, undefined],
    ['InvalidEndpointOrModel.NotFound', 404, 'no model', false, false, /SEEDANCE_MODEL/],
    ['ModelNotOpen', 404, 'not open', false, false, /SEEDANCE_MODEL/],
    ['RateLimitExceeded.EndpointRPMExceeded', 429, 'rpm', true, true, /rate limit was exceeded/],
    ['QuotaExceeded', 429, 'quota', true, true, /quota is used up/],
    ['ServerOverloaded', 429, 'busy', true, true, /overloaded/],
    ['InternalServiceError', 500, 'oops', true, false, undefined],
    ['PUBLIC_CONTENT_REJECTED', 400, 'moderation', false, false, /moderation/],
  ] as const)(
    '%s (HTTP %i, %s) → retryable %s, throttled %s',
    async (code, status, message, retryable, throttled, hint) => {
      // Prepare
      server.respond(arkError(status, code, message));

      // Act
      const e = await upstreamFailure(
        client().createTask({ model: 'm', content: [{ type: 'text', text: 't' }] }),
      );

      // Assess
      expect(e).toMatchObject({
        service: 'ark',
        code,
        status,
        message,
        retryable,
        throttled,
        operation: 'CreateTask',
        requestId: 'ark-req-1',
      });
      if (hint) expect(e.hint).toMatch(hint);
      else expect(e.hint).toBeUndefined();
    },
  );

  it.each(
    THROTTLE_VARIANTS.flatMap(([code, hint]) =>
      [200, 429, 503].map((status) => [code, status, hint] as const),
    ),
  )(
    'throttle %s in an HTTP %i is a typed throttled, retryable error with its hint',
    async (code, status, hint) => {
      // Prepare
      server.respond(arkError(status, code, `slow down (${code})`));

      // Act
      const e = await upstreamFailure(
        client().createTask({ model: 'm', content: [{ type: 'text', text: 't' }] }),
      );

      // Assess
      expect(e).toMatchObject({ service: 'ark', code, status, throttled: true, retryable: true });
      expect(e.hint).toMatch(hint);
      expect(e.toJSON()).toMatchObject({ throttled: true, retryable: true, hint: e.hint });
      expect(upstreamStepError(e).name).toBe('Upstream.Throttled');
      expect(apiErrorFromUpstream(e)).toMatchObject({
        status: 503,
        code: 'UpstreamThrottled',
        headers: { 'Retry-After': expect.stringMatching(/^\d+$/) as unknown },
      });
    },
  );

  it('refuses to cancel a running task with the upstream code', async () => {
    // Prepare
    server.respond(arkError(400, 'InvalidParameter.TaskStatus', 'task is running'));

    // Act
    const e = await upstreamFailure(client().cancelTask('cgt-1'));

    // Assess
    expect(e).toMatchObject({ code: 'InvalidParameter.TaskStatus', status: 400, operation: 'DeleteTask' });
  });

  it('reads an error envelope on a 200 that carries no task', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, { error: { code: 'PUBLIC_BLOCKED', message: 'blocked' } }),
    );

    // Act
    const e = await upstreamFailure(client().createTask({ model: 'm', content: [] }));

    // Assess
    expect(e).toMatchObject({ code: 'PUBLIC_BLOCKED', status: 200, retryable: false });
  });

  it('falls back to the error type or HTTP status when the gateway gives no string code', async () => {
    // Prepare
    server.respond((_req, res) => sendJson(res, 503, { error: { code: null, message: 'upstream down' } }));

    // Act
    const e = await upstreamFailure(client().getTask('x'));

    // Assess
    expect(e).toMatchObject({ code: 'Http503', status: 503, retryable: true, message: 'upstream down' });
  });

  it('never echoes the bearer token', async () => {
    // Prepare
    server.respond((req, res) =>
      arkError(
        401,
        'AuthenticationError',
        `token ${String(req.headers.authorization)} / ${TOKEN} is invalid`,
      )(req, res),
    );

    // Act
    const e = await upstreamFailure(client().getTask('x'));

    // Assess
    expect(`${e.message} ${JSON.stringify(e)} ${String(e.stack)}`).not.toContain(TOKEN);
  });

  it('times out a slow gateway', async () => {
    // Prepare
    server.respond((req, res) => {
      setTimeout(() => happy(req, res), 2_000).unref();
    });

    // Act
    const e = await upstreamFailure(client({ timeoutMs: 150 }).getTask('x'));

    // Assess
    expect(e).toMatchObject({
      service: 'ark',
      code: 'Timeout',
      status: 0,
      retryable: true,
      operation: 'GetTask',
    });
  });

  it('turns a connection reset into a NetworkError', async () => {
    // Prepare
    server.respond((_req, _res, raw) => {
      raw.socket.destroy();
    });

    // Act
    const e = await upstreamFailure(client().listTasks());

    // Assess
    expect(e).toMatchObject({ code: 'NetworkError', status: 0, retryable: true, operation: 'ListTasks' });
  });

  it.each([
    [200, '{"id":"cgt-', 'application/json', 'MalformedResponse', true],
    [200, '{"status":"running"}', 'application/json', 'MalformedResponse', true],
    [502, '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>', 'text/html', 'UnexpectedResponse', true],
    [404, '<html>Not Found</html>', 'text/html', 'UnexpectedResponse', false],
  ] as const)('HTTP %i body %j → %s (retryable %s)', async (status, body, type, code, retryable) => {
    // Prepare
    server.respond((_req, res) => sendText(res, status, body, type));

    // Act
    const e = await upstreamFailure(client().getTask('x'));

    // Assess
    expect(e).toMatchObject({ code, status, retryable, service: 'ark' });
    expect(e.message).not.toContain('<html>');
  });
});

describe('shared videoClient()', () => {
  it('uses the configured base and reads the token per call', async () => {
    // Prepare
    const config = loadConfig({ SEEDANCE_API_BASE: `${server.url}/seedance` });
    let reads = 0;
    const c = videoClient(config, {
      credentials: async () => {
        reads += 1;
        return { accessKeyId: 'AK', secretAccessKey: 'sk-secret', apiToken: `sk-token-${reads}` };
      },
    });

    // Act
    await c.getTask('a');
    await c.cancelTask('b');

    // Assess
    expect(reads).toBe(2);
    expect(server.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', `${TASKS}/a`, 'Bearer sk-token-1'],
      ['DELETE', `${TASKS}/b`, 'Bearer sk-token-2'],
    ]);
  });
});
