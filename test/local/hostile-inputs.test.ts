/**
 * What the hostile-input probe (issue 19) found, replayed on the whole local stack (API, S3 front +
 * s3rver, the trigger, the ingest ASL, the simulator). The swap: the presigned POST stays valid for its
 * whole lifetime, so after the upload was validated the same form can be posted again with other bytes
 * of the declared size; the asset must be the bytes that were validated, the replacement must end
 * quarantined. Also: an upload whose asset was deleted, and a replayed signed POST /groups.
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client';
import type { UploadStatus, UploadTicket } from '../../cli/api-types';
import { createSigner, type RequestSigner } from '../../cli/signing';
import { makeAvatarPng } from '../../local/avatar';
import { startLocalStack, type LocalStack } from '../../local/start';

let stack: LocalStack;
let api: ApiClient;
let s3: S3Client;
let sign: RequestSigner;

beforeAll(async () => {
  // 0.1: the simulator's 5–13 s asset processing lasts long enough to post again while `ingesting`.
  stack = await startLocalStack({ port: 0, timeScale: 0.1, upstream: 'sim', env: {} });
  sign = createSigner({ credentials: stack.credentials, region: 'us-east-1' });
  api = new ApiClient({ baseUrl: stack.apiUrl, signer: sign });
  s3 = new S3Client({
    endpoint: stack.s3Url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIALOCALHANDLERROLE', secretAccessKey: 'local-handler-role-secret' },
  });
}, 60_000);
afterAll(async () => {
  s3.destroy();
  await stack.close();
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function post(ticket: UploadTicket, bytes: Uint8Array, type = 'image/png'): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries(ticket.upload.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'avatar.png');
  const res = await fetch(ticket.upload.url, { method: 'POST', body: form });
  await res.body?.cancel();
  return res.status;
}

async function until(
  groupId: string,
  uploadId: string,
  done: (s: UploadStatus) => boolean,
  timeoutMs = 60_000,
): Promise<UploadStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await api.getUpload(groupId, uploadId);
    if (done(s) || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** What the simulator downloaded for the asset: its stored file, behind the asset's URL. */
async function downloadedSha(assetId: string): Promise<string> {
  const asset = stack.simulator?.control.assets().find((a) => a.Id === assetId);
  const res = await fetch(String(asset?.URL));
  return sha256(new Uint8Array(await res.arrayBuffer()));
}

describe('re-posting a validated upload form with other bytes', () => {
  it(
    'registers the validated bytes and quarantines an HTML replacement of the same size',
    { timeout: 90_000 },
    async () => {
      // Prepare
      const group = await api.createGroup({ name: 'swap-victim' });
      const png = makeAvatarPng({ shirt: [19, 90, 200] });
      const html = Buffer.alloc(png.length, ' ');
      html.write('<html><body><script>alert(1)</script></body></html>');
      const ticket = await api.createUpload(group.groupId, {
        fileName: 'avatar.png',
        contentType: 'image/png',
        contentLength: png.length,
      });
      const base = `${group.groupId}/${ticket.uploadId}.png`;
      expect(await post(ticket, png)).toBe(204);
      // The S3 event reaches the trigger asynchronously, as in AWS: the first reads may still say awaiting_upload.
      const ingesting = await until(
        group.groupId,
        ticket.uploadId,
        (s) => s.status !== 'validating' && s.status !== 'awaiting_upload',
      );
      expect(ingesting.status).toBe('ingesting');

      // Act
      const repost = await post(ticket, html);
      const final = await until(
        group.groupId,
        ticket.uploadId,
        (s) => ['active', 'failed', 'rejected'].includes(s.status) && s.replaced !== undefined,
      );

      // Assess
      expect(repost).toBe(204); // S3 accepts it too: the form is still valid
      expect(final).toMatchObject({
        status: 'active',
        replaced: { message: expect.stringContaining('quarantined') },
      });
      expect(await downloadedSha(final.assetId ?? '')).toBe(sha256(png));
      expect(await exists(`incoming/${base}`)).toBe(false);
      expect(await exists(`quarantine/${group.groupId}/${ticket.uploadId}.replaced.png`)).toBe(true);
    },
  );

  it(
    'registers the validated bytes when the form is re-posted while the upload waits its turn (after the pin)',
    { timeout: 150_000 },
    async () => {
      // Prepare: at the basic tier (3 CreateAsset per scaled minute) a burst of four leaves at least one
      // upload queued for budget after its checks, the window in which upstream would still fetch the URL.
      const group = await api.createGroup({ name: 'swap-queued' });
      const pngs = [0, 1, 2, 3].map((i) => makeAvatarPng({ shirt: [30 + i * 40, 80, 150] }));
      const tickets = await Promise.all(
        pngs.map((png) =>
          api.createUpload(group.groupId, {
            fileName: 'avatar.png',
            contentType: 'image/png',
            contentLength: png.length,
          }),
        ),
      );
      await Promise.all(tickets.map((t, i) => post(t, pngs[i] ?? new Uint8Array())));
      let waiting = -1;
      for (const end = Date.now() + 60_000; waiting < 0 && Date.now() < end;) {
        const all = await Promise.all(tickets.map((t) => api.getUpload(group.groupId, t.uploadId)));
        waiting = all.findIndex((s) => s.status === 'queued');
        if (waiting < 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(waiting).toBeGreaterThanOrEqual(0);
      const png = pngs[waiting] ?? new Uint8Array();
      const ticket = tickets[waiting] as UploadTicket;
      const html = Buffer.alloc(png.length, ' ');
      html.write('<html><body><script>alert(2)</script></body></html>');

      // Act
      const repost = await post(ticket, html);
      const final = await until(
        group.groupId,
        ticket.uploadId,
        (s) => ['active', 'failed', 'rejected', 'expired'].includes(s.status) && s.replaced !== undefined,
        120_000,
      );

      // Assess
      expect(repost).toBe(204);
      expect(final.status).toBe('active');
      expect(await downloadedSha(final.assetId ?? '')).toBe(sha256(png));
      expect(await exists(`incoming/${group.groupId}/${ticket.uploadId}.png`)).toBe(false);
    },
  );

  it('reads `deleted` for an upload whose asset was deleted', { timeout: 90_000 }, async () => {
    // Prepare
    const group = await api.createGroup({ name: 'deleted-asset' });
    const png = makeAvatarPng({ shirt: [20, 160, 60] });
    const ticket = await api.createUpload(group.groupId, {
      fileName: 'avatar.png',
      contentType: 'image/png',
      contentLength: png.length,
    });
    await post(ticket, png);
    const active = await until(group.groupId, ticket.uploadId, (s) => s.status === 'active');

    // Act
    await api.deleteAsset(active.assetId ?? '');
    const after = await api.getUpload(group.groupId, ticket.uploadId);

    // Assess
    expect(active.status).toBe('active');
    expect(after).toMatchObject({
      status: 'deleted',
      assetId: active.assetId,
      error: { code: 'AssetDeleted' },
    });
  });
});

describe('POST /groups with an Idempotency-Key', () => {
  /** One signed request, sent as many times as asked with exactly the same bytes (a replay). */
  async function signedCreate(key: string, body: object) {
    const url = new URL('/groups', stack.apiUrl);
    const text = JSON.stringify(body);
    const headers = await sign({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: text,
    });
    return async () => {
      const res = await fetch(url, { method: 'POST', headers, body: text });
      return {
        status: res.status,
        body: (await res.json()) as { groupId?: string; error?: { code: string } },
      };
    };
  }
  const groupsNamed = (name: string) =>
    (stack.simulator?.control.groups() ?? []).filter((g) => g.Name === name);

  it('answers a replayed signed request with the same group and makes no second one', async () => {
    // Prepare
    const send = await signedCreate('k-replay-1', { name: 'idem-replayed', description: 'once' });

    // Act
    const first = await send();
    const replays = await Promise.all([send(), send()]);
    const later = await send();

    // Assess
    expect(first.status).toBe(201);
    for (const r of [...replays, later]) {
      expect(r.status === 201 || r.body.error?.code === 'IdempotencyInProgress').toBe(true);
    }
    expect(later).toEqual(first);
    expect(groupsNamed('idem-replayed')).toHaveLength(1);
  });

  it('answers 409 IdempotencyConflict for the same key with another body, and keeps keys apart per body', async () => {
    // Prepare
    const original = await signedCreate('k-conflict-1', { name: 'idem-original' });
    const changed = await signedCreate('k-conflict-1', { name: 'idem-changed' });
    const otherKey = await signedCreate('k-conflict-2', { name: 'idem-original' });

    // Act
    const a = await original();
    const b = await changed();
    const c = await otherKey();

    // Assess
    expect(a.status).toBe(201);
    expect(b).toMatchObject({ status: 409, body: { error: { code: 'IdempotencyConflict' } } });
    expect(c.status).toBe(201);
    expect(c.body.groupId).not.toBe(a.body.groupId);
    expect(groupsNamed('idem-changed')).toHaveLength(0);
    expect(groupsNamed('idem-original')).toHaveLength(2);
  });
});
