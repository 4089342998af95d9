/**
 * The CLI's HTTP client for the REST API: SigV4-signed JSON calls, the contract's error body turned
 * into a typed error (with the hint from `details.hint`), presigned-POST uploads and streamed downloads.
 * No AWS SDK client exists for a custom REST API, and the few lines here keep it testable on loopback.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type {
  AssetView,
  CreateVideoBody,
  CreatedWebhook,
  Group,
  PageParams,
  PageResult,
  PresignedPost,
  UploadStatus,
  UploadTicket,
  UsageReport,
  VideoJob,
  VideoList,
  WebhookEndpoint,
} from './api-types';
import { isRecord } from '../functions/core/http';
import type { RequestSigner } from './signing';

/** Any failed call: API answers keep their status and code; transport problems get status 0. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly hint?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  /** Signs each call; omitted means unsigned (only useful against a server without auth). */
  signer?: RequestSigner;
  fetch?: typeof fetch;
  /** Per-call timeout. */
  timeoutMs?: number;
  /** Attempts for throttled (429/503) answers to safe calls. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Added to transport-error hints (e.g. how to start the local stack). */
  connectionHint?: string;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ApiClient {
  private readonly base: URL;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: ApiClientOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.sleep = opts.sleep ?? defaultSleep;
  }

  get baseUrl(): string {
    return this.base.href.replace(/\/$/, '');
  }

  // ----- groups -----
  createGroup(input: { name: string; description?: string }): Promise<Group> {
    return this.call('POST', '/groups', { body: input });
  }
  listGroups(q: PageParams & { name?: string } = {}): Promise<PageResult<Group>> {
    return this.call('GET', '/groups', { query: { ...q } });
  }
  getGroup(groupId: string): Promise<Group> {
    return this.call('GET', `/groups/${seg(groupId)}`);
  }
  deleteGroup(groupId: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.call('DELETE', `/groups/${seg(groupId)}`, opts.force ? { query: { force: 'true' } } : {});
  }

  // ----- uploads -----
  createUpload(
    groupId: string,
    input: { fileName: string; contentType: string; contentLength: number },
  ): Promise<UploadTicket> {
    return this.call('POST', `/groups/${seg(groupId)}/uploads`, { body: input });
  }
  getUpload(groupId: string, uploadId: string): Promise<UploadStatus> {
    return this.call('GET', `/groups/${seg(groupId)}/uploads/${seg(uploadId)}`);
  }

  // ----- assets -----
  listGroupAssets(groupId: string, q: PageParams & { status?: string } = {}): Promise<PageResult<AssetView>> {
    return this.call('GET', `/groups/${seg(groupId)}/assets`, { query: { ...q } });
  }
  adoptAsset(assetId: string): Promise<AssetView> {
    return this.call('POST', '/assets', { body: { assetId } });
  }
  getAsset(assetId: string): Promise<AssetView> {
    return this.call('GET', `/assets/${seg(assetId)}`);
  }
  deleteAsset(assetId: string): Promise<void> {
    return this.call('DELETE', `/assets/${seg(assetId)}`);
  }

  // ----- videos -----
  createVideo(body: CreateVideoBody, idempotencyKey?: string): Promise<VideoJob> {
    return this.call('POST', '/videos', {
      body,
      headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    });
  }
  getVideo(videoId: string): Promise<VideoJob> {
    return this.call('GET', `/videos/${seg(videoId)}`);
  }
  listVideos(q: { status?: string; pageSize?: number; nextToken?: string } = {}): Promise<VideoList> {
    return this.call('GET', '/videos', { query: { ...q } });
  }
  getUsage(q: { from?: string; to?: string; groupBy?: string } = {}): Promise<UsageReport> {
    return this.call('GET', '/usage', { query: { ...q } });
  }
  cancelVideo(videoId: string): Promise<unknown> {
    return this.call('DELETE', `/videos/${seg(videoId)}`);
  }

  // ----- webhooks -----
  createWebhook(body: { url: string; events?: string[]; description?: string }): Promise<CreatedWebhook> {
    return this.call('POST', '/webhooks', { body });
  }
  getWebhook(webhookId: string): Promise<WebhookEndpoint> {
    return this.call('GET', `/webhooks/${seg(webhookId)}`);
  }
  listWebhooks(q: { pageSize?: number; nextToken?: string } = {}): Promise<{
    items: WebhookEndpoint[];
    nextToken?: string;
  }> {
    return this.call('GET', '/webhooks', { query: { ...q } });
  }
  deleteWebhook(webhookId: string): Promise<void> {
    return this.call('DELETE', `/webhooks/${seg(webhookId)}`);
  }
  rotateWebhookSecret(webhookId: string): Promise<{ secret: string; previousSecretExpiresAt: string }> {
    return this.call('POST', `/webhooks/${seg(webhookId)}/rotate-secret`);
  }
  replayWebhook(
    webhookId: string,
    body: { eventIds?: string[]; from?: string; to?: string },
  ): Promise<{ replayed: number; eventIds: string[] }> {
    return this.call('POST', `/webhooks/${seg(webhookId)}/replay`, { body });
  }

  /** One signed JSON call; resolves to the parsed body (undefined for an empty answer). */
  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const baseHeaders: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (body !== undefined) baseHeaders['content-type'] = 'application/json';
    // Retrying is safe only where a repeat cannot create a second thing.
    const safe = method === 'GET' || method === 'DELETE' || 'idempotency-key' in baseHeaders;

    for (let attempt = 1; ; attempt++) {
      const headers = this.opts.signer
        ? await this.opts.signer({ method, url, headers: baseHeaders, body })
        : baseHeaders;
      const res = await this.send(url, { method, headers, body });
      const text = await res.text();
      if (res.ok) return (text === '' ? undefined : parseJson(text)) as T;
      const err = errorFromAnswer(res, text);
      const retryAfter = retryDelayMs(res);
      if (safe && retryAfter !== undefined && attempt < this.maxAttempts) {
        await this.sleep(retryAfter);
        continue;
      }
      throw err;
    }
  }

  /** The browser-style upload: the presigned fields first, the file last (S3 ignores fields after it). */
  async uploadToPresignedPost(
    post: PresignedPost,
    data: Uint8Array,
    contentType: string,
    fileName: string,
  ): Promise<void> {
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(data)], { type: contentType }), fileName);
    const res = await this.send(new URL(post.url), { method: 'POST', body: form }, 'storage');
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const text = await res.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `Http${res.status}`;
    const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? `Upload refused (HTTP ${res.status})`;
    throw new ApiCallError(res.status, code, message, undefined, uploadHint(code));
  }

  /**
   * Streams a (presigned) URL to a file, through a `.part` file so an interrupted download never
   * leaves a truncated MP4 under the final name. Resolves to the byte count.
   */
  async download(url: string, dest: string, onBytes?: (total: number) => void): Promise<number> {
    const res = await this.send(new URL(url), { method: 'GET' }, 'storage', 0);
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      throw new ApiCallError(res.status, `Http${res.status}`, `Download failed (HTTP ${res.status})`);
    }
    await mkdir(dirname(dest), { recursive: true });
    const part = `${dest}.part`;
    let total = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        onBytes?.(total);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(part),
      );
      await rename(part, dest);
    } catch (e) {
      await rm(part, { force: true });
      throw e;
    }
    return total;
  }

  private async send(
    url: URL,
    init: RequestInit,
    target: 'api' | 'storage' = 'api',
    timeoutMs = this.timeoutMs,
  ): Promise<Response> {
    try {
      return await this.fetchFn(url, {
        ...init,
        ...(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
    } catch (e) {
      // Never echo the URL: presigned ones carry a signature.
      const where = target === 'api' ? `the API at ${this.base.origin}` : `storage at ${url.origin}`;
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
        throw new ApiCallError(0, 'Timeout', `No answer from ${where} within ${timeoutMs} ms`);
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
      throw new ApiCallError(
        0,
        'ConnectionFailed',
        `Could not reach ${where}: ${cause}`,
        undefined,
        this.opts.connectionHint,
      );
    }
  }
}

const seg = (s: string) => encodeURIComponent(s);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiCallError(0, 'MalformedResponse', 'The API answered with something that is not JSON');
  }
}

/** Reads the contract's `{"error":{code,message,details}}`, or API Gateway's own `{"message"}` answers. */
export function errorFromAnswer(res: Response, text: string): ApiCallError {
  const requestId =
    res.headers.get('x-amzn-requestid') ??
    res.headers.get('x-request-id') ??
    res.headers.get('x-amz-request-id');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const errObj = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (errObj) {
    const details = errObj.details;
    const hint = isRecord(details) && typeof details.hint === 'string' ? details.hint : authHint(res.status);
    return new ApiCallError(
      res.status,
      typeof errObj.code === 'string' ? errObj.code : `Http${res.status}`,
      typeof errObj.message === 'string' ? errObj.message : `HTTP ${res.status}`,
      details,
      hint,
      requestId ?? undefined,
    );
  }
  // API Gateway answers auth failures itself, naming the error in a header.
  const gatewayType = res.headers.get('x-amzn-errortype')?.split(':')[0];
  const message =
    isRecord(parsed) && typeof parsed.message === 'string'
      ? parsed.message
      : `HTTP ${res.status} ${res.statusText}`.trim();
  const code = gatewayType ?? `Http${res.status}`;
  return new ApiCallError(res.status, code, message, undefined, authHint(res.status), requestId ?? undefined);
}

/** The API itself answers 401/403 only for the caller's own signature or permissions (upstream ones become 502). */
function authHint(status: number): string | undefined {
  if (status === 401 || status === 403)
    return 'Check the AWS credentials (AWS_PROFILE / --profile) and --region, and that the caller may invoke this API; against the local stack use its dev credentials (LOCAL_ACCESS_KEY_ID/LOCAL_SECRET_ACCESS_KEY).';
  return undefined;
}

function uploadHint(code: string): string | undefined {
  if (code === 'AccessDenied' || code === 'ExpiredToken' || code === 'InvalidPolicyDocument')
    return 'The presigned upload expired or the file does not match what was declared; start the upload again.';
  if (code === 'EntityTooLarge') return 'The file is larger than declared or allowed.';
  return undefined;
}

/** Throttled answers (429, or 503 with Retry-After) are worth one more try after the advertised pause. */
function retryDelayMs(res: Response): number | undefined {
  if (res.status !== 429 && res.status !== 503) return undefined;
  const header = res.headers.get('retry-after');
  if (header === null) return res.status === 429 ? 1000 : undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 30) * 1000 : 1000;
}
