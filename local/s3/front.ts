/**
 * A verifying front before s3rver, for what s3rver does not check and our integrity depends on:
 *  - browser-form uploads (POST to the bucket): the policy's signature, expiry and conditions
 *    (post-policy.ts), answered with S3's XML errors; an accepted form goes on to s3rver unchanged;
 *  - `If-Match` on GET/HEAD and `x-amz-copy-source-if-match` on CopyObject: 412 PreconditionFailed
 *    when the object's ETag differs, as S3 answers (Validate and the trigger pin their reads with them);
 *    `If-None-Match: *` on PutObject (a create-only write, for idempotency claims): 412 if it exists.
 * Everything else is passed through byte for byte. The condition checks read the ETag with a HEAD just
 * before forwarding, so they are not atomic with the write as in S3; on loopback with one writer per
 * upload that window is the only difference.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type RunningServer } from '../sfn/aws-json';
import { checkPostPolicy, type PostCredentials, type PostRefusal } from './post-policy';

export interface S3FrontOptions {
  /** s3rver's own address (http://127.0.0.1:port). */
  backend: string;
  credentials: readonly PostCredentials[];
  host: string;
  port: number;
  now?: () => Date;
}

/** Well above the 30 MB image limit, so EntityTooLarge comes from the policy, not from here. */
const MAX_FORM_BYTES = 64 * 1024 * 1024;

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function sendS3Error(res: ServerResponse, e: PostRefusal, method = 'GET'): void {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const extra = Object.entries(e.extra ?? {})
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(e.status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    'access-control-allow-origin': '*',
    ...(method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(body) }),
  });
  res.end(method === 'HEAD' ? undefined : body);
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startS3Front(opts: S3FrontOptions): Promise<RunningServer> {
  const backend = new URL(opts.backend);
  const now = opts.now ?? (() => new Date());

  /** Sends the request on to s3rver (with `body` if already read) and pipes the answer back. */
  function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer): void {
    const headers = { ...req.headers, host: backend.host };
    if (body) headers['content-length'] = String(body.length);
    const out = request(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) sendS3Error(res, { status: 503, code: 'ServiceUnavailable', message: 'backend' });
      else res.destroy();
    });
    if (body) out.end(body);
    else req.pipe(out);
  }

  /** The current ETag of `path` (`/bucket/key`), asked of s3rver with the caller's own credentials. */
  function etagOf(path: string, req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = { host: backend.host };
      for (const h of ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const head = request(
        { host: backend.hostname, port: backend.port, method: 'HEAD', path, headers },
        (answer) => {
          answer.resume();
          const etag = answer.headers.etag;
          resolve(answer.statusCode === 200 && typeof etag === 'string' ? etag : undefined);
        },
      );
      head.on('error', () => resolve(undefined));
      head.end();
    });
  }

  const sameETag = (a: string, b: string) => a.replace(/^W\//, '').replace(/"/g, '') === b.replace(/"/g, '');
  const preconditionFailed = (condition: string): PostRefusal => ({
    status: 412,
    code: 'PreconditionFailed',
    message: 'At least one of the pre-conditions you specified did not hold',
    extra: { Condition: condition },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const segments = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';

    if (method === 'POST' && segments.length === 1 && url.search === '') {
      const body = await readAll(req, MAX_FORM_BYTES);
      if (!body)
        return sendS3Error(res, {
          status: 400,
          code: 'EntityTooLarge',
          message: 'Your proposed upload exceeds the maximum allowed size',
        });
      let form: FormData;
      try {
        form = await new Request('http://local/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body,
        }).formData();
      } catch {
        return sendS3Error(res, {
          status: 400,
          code: 'MalformedPOSTRequest',
          message: 'The body of your POST request is not well-formed multipart/form-data.',
        });
      }
      const fields: [string, string][] = [];
      let fileSize: number | undefined;
      for (const [name, value] of form.entries()) {
        if (typeof value === 'string') fields.push([name, value]);
        else if (name.toLowerCase() === 'file') fileSize = value.size;
      }
      const check = checkPostPolicy({ bucket: segments[0] ?? '', fields, fileSize }, opts.credentials, now());
      if (!check.ok) return sendS3Error(res, check.refusal);
      return forward(req, res, body);
    }

    const ifMatch = req.headers['if-match'];
    if ((method === 'GET' || method === 'HEAD') && typeof ifMatch === 'string' && segments.length > 1) {
      const etag = await etagOf(url.pathname, req);
      if (etag !== undefined && !sameETag(etag, ifMatch))
        return sendS3Error(res, preconditionFailed('If-Match'), method);
    }
    if (method === 'PUT' && req.headers['if-none-match'] === '*' && segments.length > 1) {
      if ((await etagOf(url.pathname, req)) !== undefined)
        return sendS3Error(res, preconditionFailed('If-None-Match'));
    }
    const copySource = req.headers['x-amz-copy-source'];
    const copyIfMatch = req.headers['x-amz-copy-source-if-match'];
    if (method === 'PUT' && typeof copySource === 'string' && typeof copyIfMatch === 'string') {
      const source = `/${copySource.replace(/^\//, '').split('?')[0] ?? ''}`;
      const etag = await etagOf(source, req);
      if (etag !== undefined && !sameETag(etag, copyIfMatch))
        return sendS3Error(res, preconditionFailed('x-amz-copy-source-If-Match'));
    }
    forward(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendS3Error(res, {
          status: 500,
          code: 'InternalError',
          message: 'We encountered an internal error.',
        });
      else res.destroy();
    });
  });
  return listen(server, opts.host, opts.port);
}
