/**
 * Whole characters and real-person characters end to end in the local stack (the same handlers and ASL
 * files on s3rver, local Step Functions and the upstream simulator):
 *   - a video from `{groupId}` sends exactly the group's Active images as `asset://` references, in the
 *     documented order (CreateTime, then ID), and `media` says which is Image 1, 2, 3; a replay with the
 *     same Idempotency-Key answers the same `media`; empty and unknown groups are clear 400s;
 *   - the real-person flow as a phone's browser goes through it: session → the simulator's H5 page →
 *     "pass" → our public callback page → passed with a LivenessFace group → an upload into it → active,
 *     and FaceMismatch reads well; the failed and the expired paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client';
import { ApiCallError } from '../../cli/api-client';
import type { MediaEntry } from '../../cli/api-types';
import { sendUpload, waitForUpload, type LocalFile } from '../../cli/uploads';
import { makeAvatarPng } from '../../local/avatar';
import type { startLocalStack } from '../../local/start';
import { openE2eStack, type E2eStack } from '../support/e2e-stack';

/** Small enough that the 30-minute liveness token lasts 3.6 s, so the expired path can be waited out. */
const TIME_SCALE = 0.002;

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: ApiClient;
let e2e: E2eStack | undefined;

const png = (seed: number): LocalFile => ({
  path: `face-${seed}.png`,
  fileName: `face-${seed}.png`,
  contentType: 'image/png',
  bytes: makeAvatarPng({ width: 600 + seed * 8, shirt: [(seed * 40) % 256, 90, 160] }),
});

async function ingest(groupId: string, f: LocalFile) {
  const sent = await sendUpload(client, groupId, f);
  return waitForUpload(client, groupId, sent.uploadId, { intervalMs: 50, timeoutMs: 60_000 });
}

const sim = () => {
  const s = stack.simulator;
  if (!s) throw new Error('the local stack runs without the simulator');
  return s.control;
};

interface Session {
  sessionId: string;
  h5Link: string;
  expiresAt: string;
  status?: string;
  groupId?: string;
  error?: { code: string; message: string; hint?: string };
}

const getSession = (id: string) => client.call<Session>('GET', `/real-person/sessions/${id}`);

/** What a phone's browser does on the H5 page: load it, submit one of its forms, follow the redirect. */
async function personChooses(h5Link: string, choice: 'pass' | 'fail') {
  const page = await fetch(h5Link);
  const html = await page.text();
  expect(page.status).toBe(200);
  const form = [...html.matchAll(/<form method="post" action="([^"]+)">(.*?)<\/form>/g)].find((m) =>
    m[2]?.includes(`value="${choice}"`),
  );
  expect(form, `the H5 page has a ${choice} button`).toBeDefined();
  const fields = new URLSearchParams();
  for (const m of (form?.[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(m[1] ?? '', m[2] ?? '');
  const submitted = await fetch(new URL(form?.[1] ?? '', h5Link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  expect(submitted.status).toBe(303);
  const callback = submitted.headers.get('location') ?? '';
  // The browser follows the redirect to our public route, unsigned.
  const landed = await fetch(callback);
  return { callback: new URL(callback), status: landed.status, html: await landed.text() };
}

beforeAll(async () => {
  e2e = await openE2eStack({ timeScale: TIME_SCALE, tier: 'premium' });
  ({ stack, client } = e2e);
});

afterAll(async () => {
  await e2e?.close();
});

describe('whole characters: references of {groupId}', () => {
  it(
    'sends exactly the 3 images of a 3-image group as asset:// references and says which is Image 1, 2, 3',
    { timeout: 120_000 },
    async () => {
      // Arrange: a character of three images, and one more image elsewhere.
      const { groupId } = await client.createGroup({ name: 'trio' });
      const uploads = [];
      for (const seed of [1, 2, 3]) uploads.push(await ingest(groupId, png(seed)));
      for (const u of uploads) expect(u.status).toBe('active');
      const { groupId: other } = await client.createGroup({ name: 'other' });
      const single = await ingest(other, png(4));
      const records = sim().assets() as Array<{ Id: string; GroupId: string; CreateTime: string }>;
      const expectedOrder = records
        .filter((a) => a.GroupId === groupId)
        .sort((a, b) => a.CreateTime.localeCompare(b.CreateTime) || a.Id.localeCompare(b.Id))
        .map((a) => a.Id);
      expect(expectedOrder.sort()).toEqual(uploads.map((u) => u.assetId).sort());
      const ordered = records
        .filter((a) => a.GroupId === groupId)
        .sort((a, b) => a.CreateTime.localeCompare(b.CreateTime) || a.Id.localeCompare(b.Id))
        .map((a) => a.Id);

      // Act
      const body = {
        prompt: 'Image 1, Image 2 and Image 3 are one woman; she waves at the man of Image 4',
        references: [{ groupId }, { assetId: single.assetId ?? '' }],
        webSearch: true,
        metadata: { order: 'A-17', tags: ['trio'] },
      };
      const job = (await client.call('POST', '/videos', {
        body,
        headers: { 'idempotency-key': 'trio-1' },
      })) as {
        videoId: string;
        media: MediaEntry[];
      };

      // Assess: the media map…
      expect(job.media).toEqual([
        { placeholder: 'Image 1', role: 'reference_image', assetId: ordered[0], groupId },
        { placeholder: 'Image 2', role: 'reference_image', assetId: ordered[1], groupId },
        { placeholder: 'Image 3', role: 'reference_image', assetId: ordered[2], groupId },
        { placeholder: 'Image 4', role: 'reference_image', assetId: single.assetId },
      ]);
      // …and what the simulator received: those assets, as asset:// reference images, in that order.
      type Recorded = {
        content: Array<Record<string, unknown>>;
        safety_identifier?: string;
        tools?: unknown;
      };
      let request: Recorded | undefined;
      for (let i = 0; i < 200 && !request; i++) {
        request = (sim().taskRequests() as unknown as Recorded[]).find((r) =>
          r.content.some((c) => c.type === 'text' && String(c.text).includes('Image 4')),
        );
        if (!request) await new Promise((r) => setTimeout(r, 25));
      }
      expect(request?.content).toEqual([
        { type: 'text', text: body.prompt },
        ...[...ordered, single.assetId].map((id) => ({
          type: 'image_url',
          image_url: { url: `asset://${id}` },
          role: 'reference_image',
        })),
      ]);
      expect(request?.tools).toEqual([{ type: 'web_search' }]);
      // The caller's principal reaches upstream only as a salted hash.
      expect(request?.safety_identifier).toMatch(/^sid-[0-9a-z]{48}$/);
      expect(JSON.stringify(request)).not.toContain('local-dev');

      // A replay with the same key answers the same expansion, without a second task.
      const again = (await client.call('POST', '/videos', {
        body,
        headers: { 'idempotency-key': 'trio-1' },
      })) as {
        videoId: string;
        media: MediaEntry[];
      };
      expect(again).toMatchObject({ videoId: job.videoId, media: job.media });
      expect(
        sim()
          .taskRequests()
          .filter((r) => JSON.stringify(r).includes('Image 4')),
      ).toHaveLength(1);
      // GET shows the media map too.
      const view = await client.call<{ media?: MediaEntry[]; metadata?: unknown }>(
        'GET',
        `/videos/${job.videoId}`,
      );
      expect(view.media).toEqual(job.media);
      expect(view.metadata).toEqual({ order: 'A-17', tags: ['trio'] });
    },
  );

  it('refuses an empty group and an unknown group with their own codes', { timeout: 30_000 }, async () => {
    // Arrange
    const { groupId: empty } = await client.createGroup({ name: 'empty' });
    // Act
    const errors = await Promise.all(
      [empty, 'group-20990101000000-nosuch'].map((g) =>
        client
          .createVideo({ prompt: 'Image 1 smiles', references: [{ groupId: g }] })
          .catch((e: unknown) => e),
      ),
    );
    // Assess
    expect(errors[0]).toBeInstanceOf(ApiCallError);
    expect(errors[0]).toMatchObject({ status: 400, code: 'GroupHasNoActiveAssets' });
    expect(errors[1]).toMatchObject({ status: 400, code: 'GroupNotFound' });
  });
});

describe('real-person characters through the API', () => {
  it(
    'passes the liveness check on the H5 page, gets a LivenessFace group, and takes uploads into it',
    { timeout: 120_000 },
    async () => {
      // Act: the session, then the person's phone.
      const started = await client.call<Session>('POST', '/real-person/sessions', { body: { name: 'Ada' } });
      expect(started).toMatchObject({
        sessionId: expect.stringMatching(/^rps-/),
        h5Link: expect.any(String),
      });
      expect(await getSession(started.sessionId)).toMatchObject({ status: 'pending', name: 'Ada' });
      const landed = await personChooses(started.h5Link, 'pass');

      // Assess: our public page, plain and telling no secrets.
      expect(landed.callback.origin).toBe(new URL(stack.apiUrl).origin);
      expect(landed.callback.pathname).toBe('/real-person/callback');
      expect(landed.status).toBe(200);
      expect(landed.html).toContain('Verified');
      for (const v of landed.callback.searchParams.values()) expect(landed.html).not.toContain(v);

      const session = await getSession(started.sessionId);
      expect(session).toMatchObject({ status: 'passed', groupId: expect.stringMatching(/^group-/) });
      const groupId = session.groupId ?? '';
      const groups = sim().groups() as Array<{ Id: string; GroupType: string }>;
      expect(groups.find((g) => g.Id === groupId)?.GroupType).toBe('LivenessFace');
      expect(await client.call('GET', `/groups/${groupId}`)).toMatchObject({ groupType: 'LivenessFace' });
      const real = await client.call<{ items: Array<{ groupId: string }> }>('GET', '/groups', {
        query: { groupType: 'LivenessFace' },
      });
      expect(real.items.map((g) => g.groupId)).toContain(groupId);

      // The callback page again (a reload): the recorded outcome, the spent token not asked again.
      const reload = await fetch(landed.callback);
      expect(reload.status).toBe(200);
      expect(await reload.text()).toContain('Verified');

      // An upload into the real-person group becomes active…
      const ok = await ingest(groupId, png(7));
      expect(ok).toMatchObject({ status: 'active', assetId: expect.stringMatching(/^asset-/) });
      // …and one of another face fails FaceMismatch with a hint a person can act on.
      sim().forceAssetFailure('FaceMismatch');
      try {
        const mismatch = await ingest(groupId, png(8));
        expect(mismatch).toMatchObject({
          status: 'failed',
          error: {
            code: 'FaceMismatch',
            hint: expect.stringContaining('does not match the person verified for this LivenessFace group'),
          },
        });
      } finally {
        sim().forceAssetFailure(null);
      }
      const listed = await client.call<{
        items: Array<{ assetId: string; status: string; error?: unknown }>;
      }>('GET', `/groups/${groupId}/assets`);
      expect(listed.items.map((a) => a.status).sort()).toEqual(['active', 'failed']);
      expect(listed.items.find((a) => a.status === 'failed')?.error).toMatchObject({ code: 'FaceMismatch' });
      // The character can be referenced whole.
      const job = await client.call<{ media: MediaEntry[] }>('POST', '/videos', {
        body: { prompt: 'Image 1 speaks to the camera', references: [{ groupId }] },
      });
      expect(job.media).toEqual([
        { placeholder: 'Image 1', role: 'reference_image', assetId: ok.assetId, groupId },
      ]);
    },
  );

  it('records a failed check and shows it on the page', { timeout: 60_000 }, async () => {
    // Act
    const started = await client.call<Session>('POST', '/real-person/sessions', { body: {} });
    const landed = await personChooses(started.h5Link, 'fail');
    // Assess
    expect(landed.status).toBe(200);
    expect(landed.html).toContain('Not verified');
    const session = await getSession(started.sessionId);
    expect(session).toMatchObject({ status: 'failed', error: { code: 'LivenessFailed' } });
    expect(session.groupId).toBeUndefined();
    expect(
      sim()
        .visualValidateSessions()
        .filter((s) => s.result === 'failed'),
    ).not.toHaveLength(0);
  });

  it('refuses a forged state and the token of another session', { timeout: 60_000 }, async () => {
    // Arrange: two sessions; the person passes the first, but the redirect is not followed yet.
    const mine = await client.call<Session>('POST', '/real-person/sessions', { body: {} });
    const theirs = await client.call<Session>('POST', '/real-person/sessions', { body: {} });
    const h5 = await (await fetch(mine.h5Link)).text();
    const token = (link: string, html: string) =>
      /name="token" value="([^"]+)"/.exec(html)?.[1] ?? new URL(link).searchParams.get('token') ?? '';
    const submitted = await fetch(new URL('/_h5/visual-validate', mine.h5Link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: token(mine.h5Link, h5), result: 'pass' }).toString(),
      redirect: 'manual',
    });
    const real = new URL(submitted.headers.get('location') ?? '');
    const state = real.searchParams.get('state') ?? '';
    const tampered = (params: Record<string, string>) => {
      const u = new URL(real);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return fetch(u);
    };
    // Act
    const forged = await tampered({ state: `${mine.sessionId}.${'A'.repeat(43)}` });
    const otherToken = await tampered({ bytedToken: new URL(theirs.h5Link).searchParams.get('token') ?? '' });
    const pendingAfter = (await getSession(mine.sessionId)).status;
    const genuine = await fetch(real);
    // Assess
    expect(state).toMatch(new RegExp(`^${mine.sessionId}\\.`));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Not a valid link');
    expect(otherToken.status).toBe(400);
    expect(pendingAfter).toBe('pending');
    expect(genuine.status).toBe(200);
    expect((await getSession(mine.sessionId)).status).toBe('passed');
  });

  it('expires a session nobody completes', { timeout: 60_000 }, async () => {
    // Arrange
    const started = await client.call<Session>('POST', '/real-person/sessions', { body: {} });
    const lifetime = Date.parse(started.expiresAt) - Date.now();
    expect(lifetime).toBeLessThan(5_000);
    // Act: the person never opens the link in time.
    await new Promise((r) => setTimeout(r, lifetime + 300));
    // Assess
    expect(await getSession(started.sessionId)).toMatchObject({
      status: 'expired',
      error: { code: 'SessionExpired' },
    });
    const page = await fetch(started.h5Link);
    expect(page.status).toBe(404);
  });
});
