/**
 * The task API's real account limits over HTTP (UPSTREAM.md §2, issue 12): running slots per model with
 * the rest queued in order, 4k one at a time, Get/List/Delete QPS, create per minute, callbacks like the
 * real service (none on cancelled, retries when not acknowledged), cancelled records dropped after 24 h,
 * per-model rules, the newer request fields and the APIYI token group.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimOptions } from '../../local/upstream-sim/index';
import { arkCall, sleep, until } from './helpers/clients';

const MODEL = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';
const MINI = 'doubao-seedance-2-0-mini-260615';
const V25 = 'doubao-seedance-2-5-260628';
const text = (t = 'Image 1 walks') => ({ type: 'text', text: t });

async function withSim<T>(opts: SimOptions, fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ port: 0, ...opts });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

const create = async (sim: Simulator, body: Record<string, unknown> = {}) => {
  const r = await arkCall(sim, 'POST', '', { model: MODEL, content: [text()], ...body });
  if (r.status !== 200) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.id as string;
};

/** Statuses read from the control snapshot (no GetTask budget spent). */
const statuses = (sim: Simulator, ids: string[]) => {
  const byId = new Map(sim.control.tasks().map((t) => [t.id as string, t.status as string]));
  return ids.map((id) => byId.get(id));
};

interface Hook {
  url: string;
  received: Record<string, unknown>[];
  close: () => Promise<void>;
}

/** A callback receiver; `answer` decides the status it replies with. */
async function startHook(answer: (body: Record<string, unknown>) => number = () => 200): Promise<Hook> {
  const received: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      received.push(body);
      res.writeHead(answer(body)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('running slots per model', () => {
  it('runs 3 of 5 tasks (personal); the other 2 stay queued, in creation order, until a slot frees', async () => {
    await withSim({ taskQueuedMs: 0, taskRunningMs: 1_500 }, async (sim) => {
      // Act
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await create(sim));
      const atStart = statuses(sim, ids);
      await until(async () => (statuses(sim, ids)[2] === 'succeeded' ? true : undefined), 5_000, 5);
      const afterFirstThree = statuses(sim, ids);
      await until(async () => (statuses(sim, ids).every((s) => s === 'succeeded') ? true : undefined));

      // Assess
      expect(sim.control.options()).toMatchObject({ taskAccount: 'personal', taskSlots: 3, taskRpm: 180 });
      expect(atStart).toEqual(['running', 'running', 'running', 'queued', 'queued']);
      expect(afterFirstThree).toEqual(['succeeded', 'succeeded', 'succeeded', 'running', 'running']);
    });
  });

  it('counts slots per model and gives enterprise accounts 10', async () => {
    await withSim({ taskQueuedMs: 0, taskRunningMs: 60_000 }, async (sim) => {
      const std = [];
      for (let i = 0; i < 4; i++) std.push(await create(sim));
      const fast = [];
      for (let i = 0; i < 3; i++) fast.push(await create(sim, { model: FAST }));
      expect(statuses(sim, std)).toEqual(['running', 'running', 'running', 'queued']);
      expect(statuses(sim, fast)).toEqual(['running', 'running', 'running']);

      sim.control.update({ taskAccount: 'enterprise' });
      expect(sim.control.options()).toMatchObject({ taskSlots: 10, taskRpm: 600 });
      expect(statuses(sim, std)).toEqual(['running', 'running', 'running', 'running']);
    });
  });

  it('moves the queue up when a queued task is cancelled, and sends no callback for it', async () => {
    const hook = await startHook();
    try {
      await withSim({ taskQueuedMs: 0, taskRunningMs: 60_000, taskSlots: 1 }, async (sim) => {
        const running = await create(sim);
        const cancelled = await create(sim, { callback_url: hook.url });
        const next = await create(sim);
        await until(async () => (hook.received.length > 0 ? true : undefined));
        const del = await arkCall(sim, 'DELETE', `/${cancelled}`);
        expect(del.status).toBe(200);
        expect(statuses(sim, [running, cancelled, next])).toEqual(['running', 'cancelled', 'queued']);
        sim.control.update({ taskSlots: 2 });
        expect(statuses(sim, [running, next])).toEqual(['running', 'running']);
        await sleep(100);
        expect(hook.received.map((b) => b.status)).toEqual(['queued']);
      });
    } finally {
      await hook.close();
    }
  });

  it('runs 4k tasks one at a time, only on the standard 2.0 model', async () => {
    await withSim({ taskQueuedMs: 0, taskRunningMs: 60_000 }, async (sim) => {
      const a = await create(sim, { resolution: '4k' });
      const b = await create(sim, { resolution: '4k' });
      const hd = await create(sim, { resolution: '1080p' });
      const onFast = await arkCall(sim, 'POST', '', { model: FAST, content: [text()], resolution: '4k' });
      const onV25 = await arkCall(sim, 'POST', '', { model: V25, content: [text()], resolution: '4k' });

      expect(statuses(sim, [a, b, hd])).toEqual(['running', 'queued', 'running']);
      for (const r of [onFast, onV25]) {
        expect(r.status).toBe(400);
        expect(r.body.error).toMatchObject({
          code: 'InvalidParameter',
          param: 'resolution',
          type: 'BadRequest',
        });
      }
    });
  });

  it('refuses the 16th 4k creation in a minute', async () => {
    await withSim({ taskQueuedMs: 0, taskRunningMs: 60_000 }, async (sim) => {
      for (let i = 0; i < 15; i++) await create(sim, { resolution: '4k' });
      const r = await arkCall(sim, 'POST', '', { model: MODEL, content: [text()], resolution: '4k' });
      const hd = await arkCall(sim, 'POST', '', { model: MODEL, content: [text()], resolution: '720p' });
      expect([r.status, r.body.error?.code]).toEqual([429, 'ModelAccountRpmRateLimitExceeded']);
      expect(hd.status).toBe(200);
    });
  });
});

describe('task API rates', () => {
  it('takes ListTasks at 1 per second, GetTask and DeleteTask at 20', async () => {
    await withSim({}, async (sim) => {
      // Act
      const lists = await Promise.all([arkCall(sim, 'GET', ''), arkCall(sim, 'GET', '')]);
      await sleep(1_050);
      const later = await arkCall(sim, 'GET', '');
      // A slow clock (timeScale 10: a bucket second lasts 10 s) so no token refills during the bursts.
      sim.control.update({ timeScale: 10 });
      const gets = await Promise.all(Array.from({ length: 21 }, () => arkCall(sim, 'GET', '/cgt-none')));
      const deletes = await Promise.all(
        Array.from({ length: 21 }, () => arkCall(sim, 'DELETE', '/cgt-none')),
      );

      // Assess
      expect(lists.map((r) => r.status).sort()).toEqual([200, 429]);
      expect(lists.find((r) => r.status === 429)?.body.error).toMatchObject({
        code: 'RateLimitExceeded',
        type: 'TooManyRequests',
      });
      expect(later.status).toBe(200);
      for (const batch of [gets, deletes]) {
        expect(batch.filter((r) => r.status === 404)).toHaveLength(20);
        expect(batch.filter((r) => r.status === 429)).toHaveLength(1);
      }
      expect(sim.control.rateStats()).toMatchObject({
        ListTasks: { accepted: 2, throttled: 1 },
        GetTask: { accepted: 20, throttled: 1 },
        DeleteTask: { accepted: 20, throttled: 1 },
      });
    });
  });

  it('scales the per-second window with the time scale (1 List per 500 ms at 0.5)', async () => {
    await withSim({ timeScale: 0.5 }, async (sim) => {
      const first = await Promise.all([arkCall(sim, 'GET', ''), arkCall(sim, 'GET', '')]);
      await sleep(600);
      const second = await arkCall(sim, 'GET', '');
      expect(first.map((r) => r.status).sort()).toEqual([200, 429]);
      expect(second.status).toBe(200);
    });
  });

  it('creates 180 tasks per scaled minute on a personal account', async () => {
    // 180 per 12 s at timeScale 0.2; slots do not limit creation.
    await withSim({ timeScale: 0.2, taskRunningMs: 60_000 }, async (sim) => {
      const answers = [];
      for (let i = 0; i < 19; i++)
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, () => arkCall(sim, 'POST', '', { model: MODEL, content: [text()] })),
          )),
        );
      expect(answers.filter((r) => r.status === 200)).toHaveLength(180);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(10);
      expect(sim.control.rateStats().CreateTask).toMatchObject({ accepted: 180, maxAcceptedInWindow: 180 });
    });
  });
});

describe('callbacks', () => {
  it('POSTs the Get body on queued, running and succeeded, in that order', async () => {
    const hook = await startHook();
    try {
      await withSim({ timeScale: 0.001 }, async (sim) => {
        const id = await create(sim, { callback_url: hook.url, safety_identifier: 'u-1' });
        await until(async () => (hook.received.some((b) => b.status === 'succeeded') ? true : undefined));
        await sleep(50);
        const get = await arkCall(sim, 'GET', `/${id}`);

        expect(hook.received.map((b) => b.status)).toEqual(['queued', 'running', 'succeeded']);
        expect(hook.received[2]).toEqual(get.body);
        expect(hook.received[0]).toMatchObject({ id, error: null, safety_identifier: 'u-1' });
      });
    } finally {
      await hook.close();
    }
  });

  it('sends expired (never retried) and failed (retried 3 times when not acknowledged)', async () => {
    const hook = await startHook((b) => (b.status === 'failed' ? 500 : 200));
    try {
      await withSim({ timeScale: 0.0001, taskQueuedMs: 1e9 }, async (sim) => {
        const expired = await create(sim, { callback_url: hook.url, execution_expires_after: 3600 });
        sim.control.update({ taskQueuedMs: 0 });
        sim.control.forceTaskOutcome({ status: 'failed', code: 'OutputVideoSensitiveContentDetected' });
        const failed = await create(sim, { callback_url: `${hook.url}?t=failed` });
        await until(async () =>
          hook.received.filter((b) => b.status === 'failed').length === 4 ? true : undefined,
        );
        await until(async () => (hook.received.some((b) => b.status === 'expired') ? true : undefined));
        await sleep(100);

        const of = (id: string) => hook.received.filter((b) => b.id === id).map((b) => b.status);
        expect(of(expired)).toEqual(['queued', 'expired']);
        expect(of(failed)).toEqual(['queued', 'running', 'failed', 'failed', 'failed', 'failed']);
        expect(hook.received.find((b) => b.status === 'failed')).toMatchObject({
          error: { code: 'OutputVideoSensitiveContentDetected' },
        });
      });
    } finally {
      await hook.close();
    }
  });

  it('retries a succeeded callback that gets no answer in time', async () => {
    let calls = 0;
    const silent = createServer(() => {
      calls += 1; // never answers
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    try {
      await withSim({ timeScale: 0.0001, taskQueuedMs: 0, taskRunningMs: 0 }, async (sim) => {
        await create(sim, { callback_url: url });
        // queued + running (no retries) + succeeded 1 + 3 retries, each waiting 250 ms (the floor) for an answer.
        await until(async () => (calls >= 6 ? true : undefined), 5_000);
        await sleep(400);
        expect(calls).toBe(6);
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('sends nothing when callbacks are switched off', async () => {
    const hook = await startHook();
    try {
      await withSim({ timeScale: 0.001, callbacks: false }, async (sim) => {
        const id = await create(sim, { callback_url: hook.url });
        await until(async () => (statuses(sim, [id])[0] === 'succeeded' ? true : undefined));
        await sleep(50);
        expect(hook.received).toEqual([]);
      });
    } finally {
      await hook.close();
    }
  });
});

describe('records and list items', () => {
  it('drops cancelled records after 24 h (scaled) and lists failure_reason where Get has error', async () => {
    await withSim(
      { timeScale: 0.00001, taskQueuedMs: 1e12, taskRateLimits: { ListTasks: 0 } },
      async (sim) => {
        const cancelled = await create(sim);
        expect((await arkCall(sim, 'DELETE', `/${cancelled}`)).status).toBe(200);
        const early = await arkCall(sim, 'GET', `/${cancelled}`);
        await sleep(1_000); // 24 h × 0.00001 = 864 ms
        const late = await arkCall(sim, 'GET', `/${cancelled}`);

        sim.control.update({ taskQueuedMs: 0, taskRunningMs: 0 });
        sim.control.forceTaskOutcome({ status: 'failed', code: 'InternalServiceError', message: 'boom' });
        const failed = await create(sim);
        await until(async () => (statuses(sim, [failed])[0] === 'failed' ? true : undefined));
        const get = await arkCall(sim, 'GET', `/${failed}`);
        const list = await arkCall(sim, 'GET', `?filter.task_ids=${failed}`);

        expect(early.body.status).toBe('cancelled');
        expect([late.status, late.body.error?.code]).toEqual([404, 'ResourceNotFound']);
        expect(get.body.error).toEqual({ code: 'InternalServiceError', message: 'boom' });
        const item = (list.body.items as Record<string, unknown>[])[0];
        expect(item).toMatchObject({
          id: failed,
          failure_reason: { code: 'InternalServiceError', message: 'boom' },
        });
        expect(item).not.toHaveProperty('error');
      },
    );
  });
});

describe('models', () => {
  const refused = async (sim: Simulator, body: Record<string, unknown>) => {
    const r = await arkCall(sim, 'POST', '', { content: [text()], ...body });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'InvalidParameter',
      type: 'BadRequest',
      message: expect.any(String),
    });
    return r.body.error?.param;
  };
  const image = (i: number) => ({
    type: 'image_url',
    image_url: { url: `https://e.com/${i}.png` },
    role: 'reference_image',
  });
  const audio = { type: 'audio_url', audio_url: { url: 'https://e.com/a.mp3' }, role: 'reference_audio' };

  it('knows 2.0, fast, mini and 2.5 with their own limits', async () => {
    await withSim({ taskRateLimits: { GetTask: 0 } }, async (sim) => {
      expect(await refused(sim, { model: FAST, resolution: '1080p' })).toBe('resolution');
      expect(await refused(sim, { model: MINI, resolution: '1080p' })).toBe('resolution');
      expect(await refused(sim, { model: MODEL, duration: 16 })).toBe('duration');
      expect(await refused(sim, { model: V25, duration: 31 })).toBe('duration');
      expect(
        await refused(sim, {
          model: MODEL,
          content: [text(), ...Array.from({ length: 10 }, (_, i) => image(i))],
        }),
      ).toBe('content');
      expect(
        await refused(sim, {
          model: V25,
          content: [text(), ...Array.from({ length: 31 }, (_, i) => image(i))],
        }),
      ).toBe('content');
      expect(await refused(sim, { model: MODEL, content: [text(), audio] })).toBe('content');
      expect(await refused(sim, { model: MODEL, output_format: 'mov' })).toBe('output_format');

      const v25 = await create(sim, {
        model: V25,
        duration: 30,
        resolution: '1080p',
        output_format: 'mov',
        content: [text(), ...Array.from({ length: 30 }, (_, i) => image(i))],
      });
      const audioOnly = await create(sim, { model: V25, content: [text(), audio] });
      const mini = await create(sim, { model: MINI, resolution: '720p' });
      const got = await arkCall(sim, 'GET', `/${v25}`);
      expect(got.body).toMatchObject({ model: V25, duration: 30, resolution: '1080p', output_format: 'mov' });
      expect([audioOnly, mini].every((id) => id.startsWith('cgt-'))).toBe(true);
    });
  });

  it('accepts and echoes safety_identifier, output_format, tools, priority and omni_reference_task_type', async () => {
    await withSim({}, async (sim) => {
      const extras = {
        safety_identifier: 'a1b2c3',
        output_format: 'mp4',
        tools: [{ type: 'web_search' }],
        priority: 1,
        omni_reference_task_type: 'reference',
      };
      const id = await create(sim, extras);
      const got = await arkCall(sim, 'GET', `/${id}`);
      expect(got.body).toMatchObject(extras);
      expect(await refused(sim, { model: MODEL, safety_identifier: 'x'.repeat(65) })).toBe(
        'safety_identifier',
      );
      expect(await refused(sim, { model: MODEL, tools: [{ type: 'code' }] })).toBe('tools');
      expect(await refused(sim, { model: MODEL, omni_reference_task_type: 'remix' })).toBe(
        'omni_reference_task_type',
      );
    });
  });

  it('answers a token without the SeeDance2 group with APIYI’s "no available channel" (503 model_not_found)', async () => {
    await withSim({ tokenGroups: ['default'] }, async (sim) => {
      const r = await arkCall(sim, 'POST', '', { model: MODEL, content: [text()] });
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({
        code: 'model_not_found',
        type: 'new_api_error',
        message: `No available channel for model ${MODEL} under group default (distributor)`,
      });
      expect(sim.control.tasks()).toEqual([]);
    });
  });
});
