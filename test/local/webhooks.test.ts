// Webhooks through the local stack (acceptance 3 and the local half of 4): endpoints registered over
// the API, events of a real upload and video delivered by the delivery state machine (the same ASL
// and step as deployed), every request verified by the `standardwebhooks` library. A receiver down
// for its first 3 attempts still gets each event once per webhook-id, in order per job; 410 disables
// the endpoint; replay re-sends with the same webhook-id. Time scale 0.002: the retry schedule's
// 5 s, 5 min, 30 min become 10 ms, 0.6 s, 3.6 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiCallError } from '../../cli/api-client';
import type { UploadTicket } from '../../cli/api-types';
import { createSigner } from '../../cli/signing';
import { EVENT_SOURCE, type StackEvent } from '../../functions/core/events';
import { makeAvatarPng } from '../../local/avatar';
import { startLocalStack, type LocalStack } from '../../local/start';
import { run } from '../../cli/main';
import { eventLine, startWebhookListener, type ListenedEvent } from '../../cli/webhook-listener';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

let stack: LocalStack;
let api: ApiClient;
let receiver: Receiver;
const FAILING_ATTEMPTS = 3;
const logLevel = process.env.LOG_LEVEL;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'warn';
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.002,
    upstream: 'sim',
    env: {},
    cleanupIntervalSeconds: 0,
    simulator: { tier: 'premium', taskAccount: 'enterprise', videoBytes: 0 },
  });
  api = new ApiClient({
    baseUrl: stack.apiUrl,
    signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
  });
  receiver = await startReceiver((path, attempt) => {
    if (path === '/flaky') return attempt <= FAILING_ATTEMPTS ? 503 : 204;
    if (path === '/gone') return 410;
    return 200;
  });
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await stack?.close();
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

async function register(path: string, events?: string[]) {
  const created = await api.createWebhook({ url: receiver.url(path), ...(events ? { events } : {}) });
  receiver.secrets.set(path, created.secret);
  return created;
}

async function post(ticket: UploadTicket, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries(ticket.upload.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'avatar.png');
  const res = await fetch(ticket.upload.url, { method: 'POST', body: form });
  await res.body?.cancel();
  return res.status;
}

/** The bus's events of a job, in the order they were published. */
const busEvents = (jobId: string) =>
  stack.events.events
    .filter((e) => e.source === EVENT_SOURCE)
    .map((e) => e.detail as StackEvent)
    .filter((d) => d.data.id === jobId);

/** Successful receipts at a path, first per webhook-id, of one job. */
const delivered = (path: string, jobId: string) =>
  receiver.received.filter((r) => r.path === path && r.status < 300 && r.event?.data.id === jobId);

async function refusedReason(url: string): Promise<unknown> {
  try {
    await api.createWebhook({ url });
  } catch (e) {
    if (e instanceof ApiCallError) return { status: e.status, code: e.code };
    throw e;
  }
  return 'accepted';
}

describe('webhooks on the local stack', () => {
  it(
    'delivers every event of an upload and a video, verified and in order per job, through a receiver down for its first attempts',
    { timeout: 120_000 },
    async () => {
      // Prepare
      const ok = await register('/ok');
      const flaky = await register('/flaky');
      const videosOnly = await register('/videos', ['video.succeeded']);
      expect(ok.secret).toMatch(/^whsec_/);
      expect((await api.getWebhook(ok.id)) as unknown).not.toHaveProperty('secret');
      const group = await api.createGroup({ name: 'webhooks' });
      const png = makeAvatarPng({ shirt: [40, 160, 90] });
      // Act
      const ticket = await api.createUpload(group.groupId, {
        fileName: 'avatar.png',
        contentType: 'image/png',
        contentLength: png.length,
      });
      expect(await post(ticket, png)).toBe(204);
      const video = (await api.createVideo({
        prompt: 'webhooks: a kite over a beach',
        metadata: { order: 'A-17' },
      })) as { videoId: string };
      const jobs = [ticket.uploadId, video.videoId];
      const allIn = (path: string) =>
        jobs.every((j) => {
          const want = busEvents(j).map((e) => e.id);
          const got = new Set(delivered(path, j).map((r) => r.event?.id));
          return want.length > 0 && want.every((id) => got.has(id));
        });
      await until(
        () =>
          busEvents(ticket.uploadId).some((e) => e.type === 'upload.active') &&
          busEvents(video.videoId).some((e) => e.type === 'video.succeeded') &&
          allIn('/ok') &&
          allIn('/flaky') &&
          receiver.received.some((r) => r.path === '/videos'),
        100_000,
      );
      // Assess: every request verified by the library
      expect(receiver.received.length).toBeGreaterThan(0);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      for (const job of jobs) {
        const order = busEvents(job).map((e) => e.id);
        expect(order.length).toBeGreaterThanOrEqual(3);
        // each event once, in the order of occurrence
        expect(delivered('/ok', job).map((r) => r.event?.id)).toEqual(order);
        expect(delivered('/flaky', job).map((r) => r.event?.id)).toEqual(order);
      }
      // down for 3 attempts: the 4th succeeds, every attempt with the same webhook-id
      const flakyIds = new Set(receiver.received.filter((r) => r.path === '/flaky').map((r) => r.webhookId));
      for (const id of flakyIds) {
        const tries = receiver.received.filter((r) => r.path === '/flaky' && r.webhookId === id);
        expect(tries.map((t) => t.status)).toEqual([503, 503, 503, 204]);
        expect(new Set(tries.map((t) => t.event?.id)).size).toBe(1);
      }
      // a webhook-id names one event at one endpoint
      const okIds = receiver.received.filter((r) => r.path === '/ok').map((r) => r.webhookId);
      expect(new Set(okIds).size).toBe(okIds.length);
      expect(okIds.some((id) => flakyIds.has(id))).toBe(false);
      // the filter, and the caller's metadata in the payload
      const onlyVideos = receiver.received.filter((r) => r.path === '/videos');
      expect(onlyVideos.map((r) => r.event?.type)).toEqual(['video.succeeded']);
      expect(onlyVideos[0]?.event?.data.metadata).toEqual({ order: 'A-17' });
      expect(videosOnly.events).toEqual(['video.succeeded']);
      expect((await api.getWebhook(flaky.id)).status).toBe('enabled');

      // Act: replay two events by ID and the upload's whole range by time
      const before = receiver.received.length;
      const uploadEvents = busEvents(ticket.uploadId);
      const byId = await api.replayWebhook(ok.id, { eventIds: uploadEvents.slice(0, 2).map((e) => e.id) });
      const first = uploadEvents[0] as StackEvent;
      const last = uploadEvents.at(-1) as StackEvent;
      const byTime = await api.replayWebhook(ok.id, { from: first.time, to: last.time });
      await until(() => receiver.received.length >= before + 2 + byTime.replayed, 30_000);
      // Assess: the same webhook-ids as the first deliveries
      expect(byId.replayed).toBe(2);
      expect(byTime.eventIds).toEqual(expect.arrayContaining(uploadEvents.map((e) => e.id)));
      const again = receiver.received.slice(before);
      const firstIdOf = new Map(
        receiver.received
          .slice(0, before)
          .filter((r) => r.path === '/ok')
          .map((r) => [r.event?.id, r.webhookId]),
      );
      expect(again.length).toBe(2 + byTime.replayed);
      for (const r of again) {
        expect(r.path).toBe('/ok');
        expect(r.webhookId).toBe(firstIdOf.get(r.event?.id));
      }
    },
  );

  it(
    'disables an endpoint that answers 410, sends it nothing more, and refuses its replay',
    { timeout: 60_000 },
    async () => {
      // Prepare
      const gone = await register('/gone');
      // Act
      const group = await api.createGroup({ name: 'gone' });
      const png = makeAvatarPng({ shirt: [10, 10, 200] });
      const ticket = await api.createUpload(group.groupId, {
        fileName: 'avatar.png',
        contentType: 'image/png',
        contentLength: png.length,
      });
      await until(() => receiver.received.some((r) => r.path === '/gone'), 20_000);
      let status = '';
      const end = Date.now() + 10_000;
      while (status !== 'disabled' && Date.now() < end) {
        status = (await api.getWebhook(gone.id)).status;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await post(ticket, png)).toBe(204);
      await until(() => busEvents(ticket.uploadId).some((e) => e.type === 'upload.active'), 30_000);
      await new Promise((r) => setTimeout(r, 500));
      // Assess
      const view = await api.getWebhook(gone.id);
      expect(view.status).toBe('disabled');
      expect(view.disabledReason).toMatch(/410/);
      expect(receiver.received.filter((r) => r.path === '/gone').map((r) => r.status)).toEqual([410]);
      await expect(api.replayWebhook(gone.id, { from: new Date(0).toISOString() })).rejects.toMatchObject({
        status: 409,
        code: 'WebhookDisabled',
      });
    },
  );

  it('refuses metadata, private and unique-local URLs even locally, where only loopback is allowed', async () => {
    // Act
    const answers = await Promise.all(
      [
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/hook',
        'http://192.168.1.1/hook',
        'http://[fd00::1]/hook',
        'ftp://127.0.0.1/hook',
      ].map(refusedReason),
    );
    // Assess
    for (const a of answers) expect(a).toEqual({ status: 400, code: 'WebhookUrlRefused' });
  });

  it('lists, rotates and deletes endpoints', async () => {
    // Prepare
    const a = await register('/ok');
    // Act
    const rotated = await api.rotateWebhookSecret(a.id);
    const page = await api.listWebhooks({ pageSize: 2 });
    const next = page.nextToken
      ? await api.listWebhooks({ pageSize: 2, nextToken: page.nextToken })
      : undefined;
    await api.deleteWebhook(a.id);
    // Assess
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(a.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]?.id).toBe(a.id);
    expect(next?.items.length).toBeGreaterThan(0);
    expect(page.items.some((i) => 'secret' in i || 'secrets' in i)).toBe(false);
    await expect(api.getWebhook(a.id)).rejects.toMatchObject({ status: 404, code: 'NotFound' });
    await expect(api.deleteWebhook(a.id)).rejects.toMatchObject({ status: 404, code: 'NotFound' });
  });

  it('`seedance webhooks listen` registers a loopback endpoint, verifies and prints events, and unregisters', async () => {
    // Prepare
    const got: ListenedEvent[] = [];
    const invalid: string[] = [];
    const listener = await startWebhookListener({
      client: api,
      events: ['upload.created'],
      onEvent: (e) => got.push(e),
      onInvalid: (r) => invalid.push(r),
    });
    // Act
    const group = await api.createGroup({ name: 'listen' });
    const ticket = await api.createUpload(group.groupId, {
      fileName: 'a.png',
      contentType: 'image/png',
      contentLength: 1000,
    });
    await until(() => got.length > 0, 10_000);
    // a forged delivery (no valid signature) is refused and reported
    const forged = await fetch(listener.url, {
      method: 'POST',
      body: '{}',
      headers: { 'webhook-id': 'msg_x' },
    });
    let out = '';
    const code = await run(['webhooks', 'list', '--api', stack.apiUrl, '--json'], {
      stdout: { write: (s: string) => ((out += s), true) } as never,
      stderr: { write: () => true } as never,
      env: {},
    });
    await listener.close();
    // Assess
    expect(got.map((e) => e.event.type)).toEqual(['upload.created']);
    expect(got[0]?.event.data.id).toBe(ticket.uploadId);
    expect(eventLine(got[0] as ListenedEvent)).toContain(`upload.created`);
    expect(eventLine(got[0] as ListenedEvent)).toContain(ticket.uploadId);
    expect(forged.status).toBe(400);
    expect(invalid).toHaveLength(1);
    expect(code).toBe(0);
    expect((JSON.parse(out) as { items: { id: string; url: string }[] }).items).toContainEqual(
      expect.objectContaining({ id: listener.endpoint.id, url: listener.url }),
    );
    await expect(api.getWebhook(listener.endpoint.id)).rejects.toMatchObject({ status: 404 });
  });
});
