/**
 * A loopback stand-in for the REST API, storage and the download host, for the CLI's unit tests.
 * It checks every API call's SigV4 signature the way the receiving side would (re-signing what it
 * received), keeps groups/uploads/videos in memory and walks uploads and videos through their
 * statuses one poll at a time, so tests see every state without waiting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

/** A tiny MP4: an `ftyp` box, then an `mdat`. */
export const FAKE_MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 24]),
  Buffer.from('ftypisom', 'ascii'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2', 'ascii'),
  Buffer.from([0, 0, 0, 16]),
  Buffer.from('mdat', 'ascii'),
  Buffer.alloc(8, 7),
]);

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  signatureOk: boolean;
}

export interface StoredFile {
  fields: Record<string, string>;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface FakeApi {
  url: string;
  calls: RecordedCall[];
  files: StoredFile[];
  /** Statuses an upload walks through, one per GET; the last one sticks. */
  uploadScript: { status: string; error?: unknown }[];
  videoScript: { status: string; error?: unknown }[];
  /** Answer the next calls of `method path` with this status/body (consumed in order). */
  failNext(
    method: string,
    path: string,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function signatureMatches(req: IncomingMessage, url: URL, body: string): Promise<boolean> {
  const auth = req.headers.authorization ?? '';
  const date = req.headers['x-amz-date'];
  const m =
    /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=(\w+)/.exec(
      auth,
    );
  if (!m || typeof date !== 'string' || m[1] !== FAKE_CREDENTIALS.accessKeyId) return false;
  const signedHeaders = (m[5] ?? '').split(';');
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signer = new SignatureV4({
    credentials: FAKE_CREDENTIALS,
    region: m[3] ?? '',
    service: m[4] ?? '',
    sha256: Sha256,
    applyChecksum: false,
  });
  const iso = date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers,
      body: body === '' ? undefined : body,
    },
    { signingDate: new Date(iso) },
  );
  return signed.headers.authorization === auth;
}

export async function startFakeApi(): Promise<FakeApi> {
  const calls: RecordedCall[] = [];
  const files: StoredFile[] = [];
  const failures: { key: string; status: number; body: unknown; headers?: Record<string, string> }[] = [];
  const groups = new Map<string, Record<string, unknown>>();
  const uploads = new Map<string, { groupId: string; polls: number; fileName: string }>();
  const videos = new Map<string, { polls: number; createdAt: string }>();
  let seq = 0;
  let base = '';

  const api: FakeApi = {
    url: '',
    calls,
    files,
    uploadScript: [{ status: 'validating' }, { status: 'ingesting' }, { status: 'active' }],
    videoScript: [{ status: 'queued' }, { status: 'running' }, { status: 'saving' }, { status: 'succeeded' }],
    failNext(method, path, status, body, headers) {
      failures.push({ key: `${method} ${path}`, status, body, ...(headers ? { headers } : {}) });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const raw = await readBody(req);

      if (url.pathname === '/storage' && req.method === 'POST') {
        const form = await new Response(raw, {
          headers: { 'content-type': req.headers['content-type'] ?? '' },
        }).formData();
        const fields: Record<string, string> = {};
        let file: StoredFile | undefined;
        for (const [k, v] of form) {
          if (typeof v === 'string') fields[k] = v;
          else
            file = {
              fields,
              fileName: v.name,
              contentType: v.type,
              bytes: Buffer.from(await v.arrayBuffer()),
            };
        }
        if (!file || fields.key === undefined) {
          res.writeHead(400).end('<Error><Code>InvalidArgument</Code><Message>no file</Message></Error>');
          return;
        }
        if (fields.key === 'incoming/refuse') {
          res
            .writeHead(403, { 'content-type': 'application/xml' })
            .end('<Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>');
          return;
        }
        files.push(file);
        res.writeHead(204).end();
        return;
      }
      if (url.pathname.startsWith('/files/')) {
        res.writeHead(200, { 'content-type': 'video/mp4' }).end(FAKE_MP4);
        return;
      }

      const text = raw.toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const signatureOk = await signatureMatches(req, url, text);
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const method = req.method ?? 'GET';
      calls.push({ method, path: url.pathname, query, headers, body, signatureOk });
      if (!signatureOk) {
        send(
          res,
          403,
          { message: 'The request signature we calculated does not match' },
          {
            'x-amzn-errortype': 'InvalidSignatureException:http://internal.amazon.com/coral/',
          },
        );
        return;
      }
      const fi = failures.findIndex((f) => f.key === `${method} ${url.pathname}`);
      if (fi >= 0) {
        const [f] = failures.splice(fi, 1);
        if (f) send(res, f.status, f.body, f.headers);
        return;
      }
      route(method, url.pathname, body as Record<string, unknown> | undefined, res);
    })().catch((e: unknown) => send(res, 500, { error: { code: 'FakeBroken', message: String(e) } }));
  });

  function route(
    method: string,
    path: string,
    body: Record<string, unknown> | undefined,
    res: ServerResponse,
  ) {
    const parts = path.split('/').filter(Boolean);
    const now = new Date('2026-04-21T12:00:00Z').toISOString();
    if (method === 'POST' && path === '/groups') {
      const g = {
        groupId: `group-${++seq}`,
        name: body?.name,
        description: body?.description ?? '',
        projectName: 'default',
        createdAt: now,
      };
      groups.set(g.groupId, g);
      return send(res, 201, g);
    }
    if (method === 'GET' && path === '/groups') {
      const items = [...groups.values()];
      return send(res, 200, { items, total: items.length, pageNumber: 1, pageSize: 20 });
    }
    if (parts[0] === 'groups' && parts.length === 2) {
      const g = groups.get(parts[1] ?? '');
      if (!g)
        return send(res, 404, {
          error: {
            code: 'NotFound',
            message: `group ${parts[1]} was not found`,
            details: { hint: 'Pass the right ProjectName' },
          },
        });
      if (method === 'DELETE') {
        groups.delete(parts[1] ?? '');
        return send(res, 204);
      }
      return send(res, 200, g);
    }
    if (parts[0] === 'groups' && parts[2] === 'uploads' && method === 'POST') {
      const uploadId = `upl-${++seq}`;
      const fileName = String(body?.fileName);
      uploads.set(uploadId, { groupId: parts[1] ?? '', polls: 0, fileName });
      const key = fileName === 'refuse.png' ? 'incoming/refuse' : `incoming/${uploadId}`;
      return send(res, 201, {
        uploadId,
        upload: {
          url: `${base}/storage`,
          fields: {
            key,
            'Content-Type': String(body?.contentType),
            Policy: 'cG9saWN5',
            'X-Amz-Signature': 'abc',
          },
        },
        expiresAt: now,
      });
    }
    if (parts[0] === 'groups' && parts[2] === 'uploads' && parts[3] && method === 'GET') {
      const u = uploads.get(parts[3]);
      if (!u) return send(res, 404, { error: { code: 'NotFound', message: 'upload not found' } });
      const step = api.uploadScript[Math.min(u.polls++, api.uploadScript.length - 1)] ?? { status: 'active' };
      const active = step.status === 'active';
      return send(res, 200, {
        uploadId: parts[3],
        groupId: u.groupId,
        status: step.status,
        ...(active ? { assetId: `asset-${parts[3]}`, assetUri: `asset://asset-${parts[3]}` } : {}),
        ...(step.error ? { error: step.error } : {}),
      });
    }
    if (parts[0] === 'groups' && parts[2] === 'assets') {
      return send(res, 200, {
        items: [
          {
            assetId: 'asset-1',
            assetUri: 'asset://asset-1',
            status: 'active',
            name: 'a.png',
            createdAt: now,
          },
        ],
        total: 1,
        pageNumber: 1,
        pageSize: 20,
      });
    }
    if (parts[0] === 'assets') {
      const id = method === 'POST' ? String(body?.assetId) : (parts[1] ?? '');
      if (method === 'DELETE') return send(res, 204);
      return send(res, 200, {
        assetId: id,
        assetUri: `asset://${id}`,
        status: 'active',
        groupId: 'group-x',
        createdAt: now,
      });
    }
    if (method === 'GET' && path === '/usage') {
      const totals = (videos: number, tokens: number, cost: number, unpriced = 0) => ({
        videos,
        completionTokens: tokens,
        totalTokens: tokens,
        estimatedCost: cost,
        unpricedVideos: unpriced,
      });
      return send(res, 200, {
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T23:59:59.999Z',
        groupBy: 'model',
        currency: 'CNY',
        total: totals(3, 1_305_300, 8.2395, 1),
        groups: [
          { key: 'doubao-seedance-2-0-260128', ...totals(1, 108_900, 5.0094) },
          { key: 'doubao-seedance-2-0-fast-260128', ...totals(1, 87_300, 3.2301) },
          { key: 'doubao-seedance-2-5-260628', ...totals(1, 1_109_100, 0, 1) },
        ],
      });
    }
    if (method === 'POST' && path === '/videos') {
      const videoId = `vid-${String(++seq).padStart(16, '0')}`;
      videos.set(videoId, { polls: 0, createdAt: now });
      return send(res, 202, { videoId, status: 'queued' });
    }
    if (method === 'GET' && path === '/videos') {
      return send(res, 200, {
        items: [...videos.keys()].map((videoId) => ({ videoId, status: 'running', createdAt: now })),
        nextToken: 'tok-2',
      });
    }
    if (parts[0] === 'videos' && parts[1]) {
      const v = videos.get(parts[1]);
      if (!v)
        return send(res, 404, { error: { code: 'NotFound', message: `video ${parts[1]} was not found` } });
      if (method === 'DELETE') return send(res, 202, { videoId: parts[1], status: 'cancelled' });
      const step = api.videoScript[Math.min(v.polls++, api.videoScript.length - 1)] ?? {
        status: 'succeeded',
      };
      return send(res, 200, {
        videoId: parts[1],
        status: step.status,
        createdAt: v.createdAt,
        ...(step.status === 'succeeded'
          ? { videoUrl: `${base}/files/${parts[1]}.mp4?X-Amz-Signature=s3cr3t`, finishedAt: now }
          : {}),
        ...(step.error ? { error: step.error } : {}),
      });
    }
    return send(res, 404, { error: { code: 'NoRoute', message: `${method} ${path}` } });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.url = base;
  return api;
}
