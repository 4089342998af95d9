// Webhook endpoints and deliveries in the deployed configuration (https only, no loopback): the SSRF
// guard at registration and on every attempt, with an injected resolver; secrets sealed per endpoint;
// the dead letter after the last attempt; signatures checked by the `standardwebhooks` library.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/core/errors';
import { eventId, type StackEvent } from '../../functions/core/events';
import { newWebhookId, isWebhookId } from '../../functions/core/ids';
import {
  RETRY_DELAYS_SECONDS,
  deliverAttempt,
  guardUrl,
  openSecret,
  registerEndpoint,
  rotateSecret,
  sealSecret,
  type Delivery,
  type DeliveryStore,
  type EndpointStore,
  type Resolver,
  type SecretSealer,
  type WebhookEndpoint,
} from '../../functions/core/webhooks';
import { postWebhook } from '../../functions/shared/webhook-http';

const KEY = 'stack-key-for-tests';
const sealer: SecretSealer = {
  seal: async (s, id) => sealSecret(s, id, KEY),
  open: async (s, id) => openSecret(s, id, KEY),
};

function memoryStore(): EndpointStore & { items: Map<string, WebhookEndpoint> } {
  const items = new Map<string, WebhookEndpoint>();
  return {
    items,
    create: async (e) => void items.set(e.id, structuredClone(e)),
    get: async (id) => structuredClone(items.get(id)),
    list: async () => ({ items: [...items.values()] }),
    enabled: async () => [...items.values()].filter((e) => e.status === 'enabled'),
    remove: async (id) => items.delete(id),
    setSecrets: async (id, secrets, at) => {
      const e = items.get(id);
      if (!e) return false;
      items.set(id, { ...e, secrets, updatedAt: at });
      return true;
    },
    disable: async (id, reason, at) => {
      const e = items.get(id);
      if (e) items.set(id, { ...e, status: 'disabled', disabledReason: reason, updatedAt: at });
    },
  };
}

/** A resolver that knows a few names: one public, one private, one with a private answer among public ones. */
const resolver: Resolver = async (host) => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34'],
    'internal.example.com': ['10.20.30.40'],
    'mixed.example.com': ['93.184.216.34', '192.168.7.7'],
    'v6private.example.com': ['fd12:3456::1'],
  };
  const answers = table[host];
  if (!answers) throw new Error('ENOTFOUND');
  return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
};
const deployedGuard = (url: string) => guardUrl(url, resolver, {});

async function registerCode(url: string): Promise<unknown> {
  try {
    await registerEndpoint(
      { store: memoryStore(), sealer, guard: deployedGuard, newId: () => newWebhookId() },
      { url },
    );
    return 'accepted';
  } catch (e) {
    return e instanceof ApiError ? { code: e.code, reason: (e.details as { reason: string }).reason } : e;
  }
}

describe('registration (deployed configuration)', () => {
  it.each([
    ['https://169.254.169.254/latest/meta-data/'],
    ['https://10.0.0.1/hook'],
    ['https://192.168.1.1/hook'],
    ['https://[::1]/hook'],
    ['https://[fd00::1]/hook'],
    ['https://127.0.0.1/hook'],
    ['https://[::ffff:10.0.0.1]/hook'],
    ['https://internal.example.com/hook'],
    ['https://mixed.example.com/hook'],
    ['https://v6private.example.com/hook'],
  ])('refuses %s', async (url) => {
    expect(await registerCode(url)).toEqual({ code: 'WebhookUrlRefused', reason: 'forbidden-address' });
  });

  it('refuses plain http, user info and names that do not resolve', async () => {
    expect(await registerCode('http://hooks.example.com/hook')).toMatchObject({ reason: 'scheme' });
    expect(await registerCode('https://u:p@hooks.example.com/hook')).toMatchObject({ reason: 'credentials' });
    expect(await registerCode('https://nowhere.example.com/hook')).toMatchObject({ reason: 'unresolvable' });
  });

  it('accepts a public https URL, answers the secret once and keeps it sealed', async () => {
    // Prepare
    const store = memoryStore();
    // Act
    const created = await registerEndpoint(
      { store, sealer, guard: deployedGuard, newId: () => newWebhookId() },
      { url: 'https://hooks.example.com/hook', events: ['video.succeeded', 'video.succeeded'] },
    );
    // Assess
    const kept = store.items.get(created.id) as WebhookEndpoint;
    expect(isWebhookId(created.id)).toBe(true);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.events).toEqual(['video.succeeded']);
    expect(JSON.stringify(kept)).not.toContain(created.secret.slice(6));
    expect(await sealer.open(kept.secrets[0]?.sealed ?? '', created.id)).toBe(created.secret);
    // a sealed secret does not open for another endpoint, nor with another key
    expect(() => openSecret(kept.secrets[0]?.sealed ?? '', newWebhookId(), KEY)).toThrow();
    expect(() => openSecret(kept.secrets[0]?.sealed ?? '', created.id, 'other-key')).toThrow();
  });
});

const EVENT: StackEvent = {
  id: eventId('video', 'vid-0000000000aaaaaaaaaaaaaaaa', 'succeeded'),
  type: 'video.succeeded',
  time: '2026-12-01T10:00:00.000Z',
  data: {
    kind: 'video',
    id: 'vid-0000000000aaaaaaaaaaaaaaaa',
    status: 'succeeded',
    links: { self: '/videos/vid-0000000000aaaaaaaaaaaaaaaa' },
  },
};

function deliveryStore(endpoint: WebhookEndpoint) {
  const updates: Partial<Delivery>[] = [];
  const disabled: string[] = [];
  const store: DeliveryStore = {
    getEvent: async () => EVENT,
    getEndpoint: async () => endpoint,
    earlierPending: async () => false,
    open: async () => undefined,
    update: async (_id, patch) => void updates.push(patch),
    disableEndpoint: async (id) => void disabled.push(id),
  };
  return { store, updates, disabled };
}

async function endpointWith(
  url: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string; store: EndpointStore }> {
  const store = memoryStore();
  const created = await registerEndpoint(
    {
      store,
      sealer,
      guard: async (u) => guardUrl(u, async () => [{ address: '93.184.216.34', family: 4 }]),
      newId: () => newWebhookId(),
    },
    { url },
  );
  return { endpoint: (await store.get(created.id)) as WebhookEndpoint, secret: created.secret, store };
}

describe('delivery attempts', () => {
  it('refuses, on the attempt, a host that now resolves to a private address, and sends nothing', async () => {
    // Prepare: registered while public, the name now answers the metadata address (DNS rebinding)
    const { endpoint } = await endpointWith('https://rebind.example.com/hook');
    const { store, updates } = deliveryStore(endpoint);
    let sent = 0;
    // Act
    const out = await deliverAttempt(
      {
        store,
        sealer,
        post: async (url, body, headers) => {
          sent++;
          return postWebhook(url, body, headers, {
            resolve: async () => [{ address: '169.254.169.254', family: 4 }],
          });
        },
        timeScale: 1,
        random: () => 0.5,
        log: () => undefined,
      },
      { msgId: 'msg_x', endpointId: endpoint.id, eventId: EVENT.id },
    );
    // Assess: an attempt that failed before any connection; the schedule goes on
    expect(sent).toBe(1);
    expect(out.next.action).toBe('retry');
    expect(updates[0]).toMatchObject({ attempts: 1, lastError: 'forbidden-address' });
  });

  it('keeps the last failed attempt as a dead letter, with its status', async () => {
    // Prepare
    const { endpoint } = await endpointWith('https://hooks.example.com/hook');
    const { store, updates } = deliveryStore(endpoint);
    const lines: unknown[] = [];
    // Act
    const out = await deliverAttempt(
      {
        store,
        sealer,
        post: async () => ({ kind: 'answered', status: 500 }),
        timeScale: 1,
        log: (l) => lines.push(l),
      },
      {
        msgId: 'msg_x',
        endpointId: endpoint.id,
        eventId: EVENT.id,
        attempt: RETRY_DELAYS_SECONDS.length - 1,
      },
    );
    // Assess
    expect(out.next.action).toBe('dead');
    expect(updates.at(-1)).toMatchObject({
      state: 'dead',
      lastStatus: 500,
      attempts: RETRY_DELAYS_SECONDS.length,
    });
    expect(lines).toEqual([
      expect.objectContaining({ outcome: 'dead-letter', endpointId: endpoint.id, attempt: 9, status: 500 }),
    ]);
  });

  it('honours Retry-After and scales the wait; 410 disables the endpoint', async () => {
    // Prepare
    const { endpoint } = await endpointWith('https://hooks.example.com/hook');
    const { store, disabled } = deliveryStore(endpoint);
    const now = new Date('2026-12-01T10:00:00.000Z');
    const deps = { store, sealer, timeScale: 0.5, random: () => 0.5, now: () => now, log: () => undefined };
    // Act
    const slow = await deliverAttempt(
      { ...deps, post: async () => ({ kind: 'answered', status: 429, retryAfterSeconds: 600 }) },
      { msgId: 'msg_x', endpointId: endpoint.id, eventId: EVENT.id, attempt: 0 },
    );
    const gone = await deliverAttempt(
      { ...deps, post: async () => ({ kind: 'answered', status: 410 }) },
      { msgId: 'msg_x', endpointId: endpoint.id, eventId: EVENT.id, attempt: 1 },
    );
    // Assess: 600 s asked (over the 5 s of the schedule), × 0.5
    expect(slow.next).toEqual({ action: 'retry', waitUntil: '2026-12-01T10:05:00.000Z' });
    expect(gone.next.action).toBe('disabled');
    expect(disabled).toEqual([endpoint.id]);
  });

  it('signs with both secrets during a rotation, so a receiver with either verifies', async () => {
    // Prepare
    const { endpoint, secret: old, store: endpoints } = await endpointWith('https://hooks.example.com/hook');
    const rotated = await rotateSecret({ store: endpoints, sealer }, endpoint.id);
    const current = (await endpoints.get(endpoint.id)) as WebhookEndpoint;
    const { store } = deliveryStore(current);
    let sent: { body: string; headers: Record<string, string> } | undefined;
    // Act
    await deliverAttempt(
      {
        store,
        sealer,
        post: async (_u, body, headers) => {
          sent = { body, headers };
          return { kind: 'answered', status: 204 };
        },
        timeScale: 1,
        log: () => undefined,
      },
      { msgId: 'msg_rotation', endpointId: endpoint.id, eventId: EVENT.id },
    );
    // Assess
    const { body, headers } = sent as { body: string; headers: Record<string, string> };
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, headers)).toEqual(EVENT);
    expect(new Webhook(rotated.secret).verify(body, headers)).toEqual(EVENT);
    expect(headers['webhook-id']).toBe('msg_rotation');
  });
});

describe('holds behind an earlier event of the same job', () => {
  it('waits without spending an attempt, twice as long each time up to 5 min', async () => {
    // Prepare
    const { endpoint } = await endpointWith('https://hooks.example.com/hook');
    const { store } = deliveryStore(endpoint);
    const now = new Date('2026-12-01T10:00:00.000Z');
    let sent = 0;
    const deps = {
      store: { ...store, earlierPending: async () => true },
      sealer,
      post: async () => {
        sent++;
        return { kind: 'answered' as const, status: 204 };
      },
      timeScale: 1,
      now: () => now,
      log: () => undefined,
    };
    // Act
    const waits: number[] = [];
    let input = { msgId: 'msg_h', endpointId: endpoint.id, eventId: EVENT.id, attempt: 0, holds: 0 };
    for (let i = 0; i < 10; i++) {
      const out = await deliverAttempt(deps, input);
      waits.push((Date.parse(out.next.waitUntil ?? '') - now.getTime()) / 1000);
      input = out;
    }
    // Assess
    expect(sent).toBe(0);
    expect(input.attempt).toBe(0);
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
  });
});
