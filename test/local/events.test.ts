// Events on the local stack's bus (the local EventBridge PutEvents endpoint): every transition of an
// upload and of a video, each validated against its JSON schema in schemas/events/, in order of
// occurrence per job, one per transition, with IDs stable for (job, status).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client';
import type { UploadTicket } from '../../cli/api-types';
import { createSigner } from '../../cli/signing';
import {
  EVENT_SOURCE,
  EVENT_TYPES,
  eventId,
  type EventType,
  type StackEvent,
} from '../../functions/core/events';
import { EVENT_SCHEMA_DIR, renderEventSchemas } from '../../lib/event-schemas';
import { makeAvatarPng } from '../../local/avatar';
import type { BusEvent } from '../../local/events/server';
import { startLocalStack, type LocalStack } from '../../local/start';

let stack: LocalStack;
let api: ApiClient;
const seen: BusEvent[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.05,
    upstream: 'sim',
    env: {},
    cleanupIntervalSeconds: 0,
    simulator: { taskQueuedMs: 1_000, taskRunningMs: 20_000, videoBytes: 0, taskAccount: 'enterprise' },
  });
  stack.events.addRule({
    name: 'test-capture',
    pattern: { source: [EVENT_SOURCE] },
    target: (e) => {
      seen.push(e);
    },
  });
  api = new ApiClient({
    baseUrl: stack.apiUrl,
    signer: createSigner({ credentials: stack.credentials, region: 'us-east-1' }),
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const detailsOf = (id: string) => seen.map((e) => e.detail as StackEvent).filter((d) => d.data.id === id);

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

async function post(ticket: UploadTicket, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries(ticket.upload.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'avatar.png');
  const res = await fetch(ticket.upload.url, { method: 'POST', body: form });
  await res.body?.cancel();
  return res.status;
}

describe('events on the bus', () => {
  it('has a JSON schema file per event type, in step with the code', () => {
    // Act
    const files = renderEventSchemas();
    // Assess
    expect(Object.keys(files).sort()).toEqual(EVENT_TYPES.map((t) => `${t}.json`).sort());
    for (const [name, text] of Object.entries(files))
      expect(JSON.parse(fs.readFileSync(path.join(EVENT_SCHEMA_DIR, name), 'utf8')), name).toEqual(
        JSON.parse(text),
      );
  });

  it(
    'publishes every transition of an upload and a video, valid, in order, once each',
    { timeout: 90_000 },
    async () => {
      // Prepare
      const group = await api.createGroup({ name: 'events' });
      const png = makeAvatarPng({ shirt: [200, 40, 40] });
      // Act
      const ticket = await api.createUpload(group.groupId, {
        fileName: 'avatar.png',
        contentType: 'image/png',
        contentLength: png.length,
      });
      expect(await post(ticket, png)).toBe(204);
      const video = (await api.createVideo({
        prompt: 'events: a paper plane over a city',
        metadata: { customer: 'c-42' },
      })) as {
        videoId: string;
      };
      await until(
        () =>
          detailsOf(ticket.uploadId).some((d) => d.type === 'upload.active') &&
          detailsOf(video.videoId).some((d) => d.type === 'video.succeeded'),
        75_000,
      );
      await stack.events.drain();
      // Assess
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      for (const e of seen) {
        const d = e.detail as StackEvent;
        const schema = JSON.parse(
          fs.readFileSync(path.join(EVENT_SCHEMA_DIR, `${d.type}.json`), 'utf8'),
        ) as object;
        const valid = ajv.validate(schema, d);
        expect(valid, `${d.type}: ${ajv.errorsText()}`).toBe(true);
        expect(e['detail-type']).toBe(d.type);
        expect(d.id).toBe(eventId(d.data.kind, d.data.id, d.data.status));
      }
      expect(detailsOf(ticket.uploadId).map((d) => d.type)).toEqual([
        'upload.created',
        'upload.validating',
        'upload.ingesting',
        'upload.active',
      ]);
      // With callbacks, `running` is recorded only if a fallback poll saw it (a `running` callback is a
      // claim, not re-fetched): the order holds either way.
      const videoTypes = detailsOf(video.videoId).map((d) => d.type);
      const order: EventType[] = ['video.queued', 'video.running', 'video.saving', 'video.succeeded'];
      expect(videoTypes).toEqual(order.filter((t) => videoTypes.includes(t)));
      expect(videoTypes).toEqual(expect.arrayContaining(['video.queued', 'video.saving', 'video.succeeded']));
      expect(detailsOf(video.videoId).at(-1)?.data.links.self).toBe(`/videos/${video.videoId}`);
      // the caller's metadata rides along on every video event
      expect(detailsOf(video.videoId).every((d) => d.data.metadata?.customer === 'c-42')).toBe(true);
      expect(new Set(seen.map((e) => (e.detail as StackEvent).id)).size).toBe(seen.length);
    },
  );
});
