/**
 * The page's only door to the REST API: same-origin calls to `/console/api/...`, which the console's
 * server signs and forwards. The page never holds credentials, so nothing here signs anything.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The `details.hint` the API adds to upstream errors, when there is one. */
  get hint(): string | undefined {
    const d = this.details;
    return d && typeof d === 'object' && typeof (d as { hint?: unknown }).hint === 'string'
      ? (d as { hint: string }).hint
      : undefined;
  }

  /**
   * API Gateway (and the local API, which copies it) answers a route that does not exist with 403
   * MissingAuthenticationToken: how the console learns that a feature is not deployed yet.
   */
  get routeMissing(): boolean {
    return this.status === 403 && this.code.startsWith('MissingAuthenticationToken');
  }
}

const API = 'api';

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (h === null) return undefined;
  const s = Number(h);
  return Number.isFinite(s) ? Math.min(Math.max(s, 0), 60) * 1000 : undefined;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const err =
    parsed && typeof parsed === 'object' && 'error' in parsed
      ? (parsed as { error: { code?: unknown; message?: unknown; details?: unknown } }).error
      : undefined;
  const gatewayCode = res.headers.get('x-amzn-errortype')?.split(':')[0];
  const code = typeof err?.code === 'string' ? err.code : (gatewayCode ?? `Http${res.status}`);
  const plainMessage =
    parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string'
      ? (parsed as { message: string }).message
      : `HTTP ${res.status}`;
  const message = typeof err?.message === 'string' ? err.message : plainMessage;
  return new ApiError(res.status, code, message, err?.details, retryAfter(res));
}

export async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'x-seedance-console': '1',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'ConnectionFailed', 'The console server does not answer; is it still running?');
  }
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const seg = (s: string) => encodeURIComponent(s);

/** A message a person can act on, for any failure. */
export function describeError(e: unknown): { code: string; message: string; hint?: string } {
  if (e instanceof ApiError) {
    const hint = e.hint;
    return { code: e.code, message: e.message, ...(hint ? { hint } : {}) };
  }
  return { code: 'Error', message: e instanceof Error ? e.message : String(e) };
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/**
 * The presigned POST straight to S3, with XMLHttpRequest because fetch reports no upload progress.
 * Fields first, the file last (S3 ignores fields after it).
 */
export function postToStorage(
  post: PresignedPost,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', post.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      const text = xhr.responseText || '';
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `Http${xhr.status}`;
      const message =
        /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? `storage refused the upload (HTTP ${xhr.status})`;
      reject(new ApiError(xhr.status, code, message));
    };
    // Never the URL in the message: it carries a signature.
    xhr.onerror = () =>
      reject(new ApiError(0, 'UploadFailed', 'the upload to storage failed (network or CORS)'));
    xhr.send(form);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `load` until `done` says so: 1 s first, growing 1.5× to 10 s, back to 1 s when the answer
 * changes, and never sooner than a throttled answer's Retry-After. Stops when `signal` aborts.
 */
export async function pollWithBackoff<T>(
  load: () => Promise<T>,
  onValue: (v: T) => void,
  done: (v: T) => boolean,
  signal: AbortSignal,
  /** Returns true to stop (an answer that polling again cannot change). */
  onError: (e: unknown) => boolean = () => false,
): Promise<void> {
  let delay = 1000;
  let last = '';
  while (!signal.aborted) {
    try {
      const v = await load();
      if (signal.aborted) return;
      onValue(v);
      if (done(v)) return;
      const key = JSON.stringify(v);
      delay = key === last ? Math.min(delay * 1.5, 10_000) : 1000;
      last = key;
    } catch (e) {
      if (signal.aborted) return;
      if (onError(e)) return;
      delay = Math.max(Math.min(delay * 2, 30_000), e instanceof ApiError ? (e.retryAfterMs ?? 0) : 0);
    }
    await sleep(delay);
  }
}
