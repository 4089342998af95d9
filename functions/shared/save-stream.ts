/**
 * Streams one upstream file (the MP4 or the last frame) into S3 with a multipart upload, so memory
 * stays near `queueSize × partSize` whatever the file's size. Checks the answer's status, content type
 * and length; skips the upload when the object is already there with the same length (a re-run of the
 * step after a timeout or a retry does not upload twice). The URL is a 24 h presigned link: it appears
 * in no log line and no error.
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { UpstreamError } from '../core/errors';
import { point } from '../core/metrics/catalogue';
import { StepError } from '../core/step-errors';
import { VIDEO_ERRORS, type SavedObject } from '../core/video';
import { emitMetrics } from './metrics';

export type MediaKind = 'video' | 'image';

export interface StreamToS3Options {
  s3: S3Client;
  bucket: string;
  key: string;
  url: string;
  kind: MediaKind;
  /** Stored as object metadata; identifies a complete earlier upload when upstream sends no length. */
  taskId: string;
  /** Time to the response headers, and the longest pause between two body chunks. */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** 5 MiB minimum (S3). */
  partSize?: number;
  /** Parts in flight at once. */
  queueSize?: number;
}

export interface StreamResult extends SavedObject {
  skipped: boolean;
}

export const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_QUEUE_SIZE = 2;

const ACCEPTED: Record<MediaKind, RegExp> = {
  video: /^(video\/|application\/octet-stream|binary\/octet-stream)/i,
  image: /^(image\/|application\/octet-stream|binary\/octet-stream)/i,
};
const STORED_TYPE: Record<MediaKind, string> = { video: 'video/mp4', image: 'image/png' };

const operation = (kind: MediaKind) => (kind === 'video' ? 'DownloadVideo' : 'DownloadLastFrame');

function transportError(kind: MediaKind, e: unknown, timedOut: boolean): UpstreamError {
  return new UpstreamError({
    service: 'ark',
    code: timedOut ? 'Timeout' : 'NetworkError',
    status: 0,
    operation: operation(kind),
    message: `${operation(kind)} ${timedOut ? 'stalled' : 'failed on the network'}`,
    cause: e instanceof Error ? e.name : undefined,
  });
}

async function existingObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ bytes: number; taskId?: string; contentType?: string } | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      bytes: head.ContentLength ?? -1,
      ...(head.Metadata?.['task-id'] ? { taskId: head.Metadata['task-id'] } : {}),
      ...(head.ContentType ? { contentType: head.ContentType } : {}),
    };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey')
      return undefined;
    throw e;
  }
}

/** Counts bytes and aborts the download when the body stalls. */
class Meter extends Transform {
  bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    super();
    this.arm();
  }
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.idleMs);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.arm();
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    clearTimeout(this.timer);
    cb();
  }
  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    clearTimeout(this.timer);
    cb(err);
  }
}

export async function streamToS3(o: StreamToS3Options): Promise<StreamResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timeout = () => {
    timedOut = true;
    controller.abort();
  };
  const headersTimer = setTimeout(timeout, o.timeoutMs);
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(o.url, {
      headers: { 'accept-encoding': 'identity' },
      signal: controller.signal,
    });
  } catch (e) {
    throw transportError(o.kind, e, timedOut);
  } finally {
    clearTimeout(headersTimer);
  }

  const discard = () => {
    controller.abort();
    res.body?.cancel().catch(() => undefined);
  };
  if (!res.ok) {
    discard();
    if (res.status === 429 || res.status >= 500)
      throw new UpstreamError({
        service: 'ark',
        code: `Http${res.status}`,
        status: res.status,
        operation: operation(o.kind),
        message: `${operation(o.kind)} answered HTTP ${res.status}`,
      });
    throw new StepError(
      VIDEO_ERRORS.saveFailed,
      'MediaLinkRefused',
      `${operation(o.kind)} answered HTTP ${res.status}; the upstream link may have expired`,
      { status: res.status },
    );
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!ACCEPTED[o.kind].test(contentType)) {
    discard();
    throw new StepError(
      VIDEO_ERRORS.saveFailed,
      'UnexpectedContentType',
      `${operation(o.kind)} answered ${contentType || 'no content type'} instead of ${o.kind === 'video' ? 'video' : 'an image'}`,
      { contentType },
    );
  }
  const lengthHeader = res.headers.get('content-length');
  const expected = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const storedType = o.kind === 'image' && /^image\//i.test(contentType) ? contentType : STORED_TYPE[o.kind];

  const existing = await existingObject(o.s3, o.bucket, o.key).catch((e: unknown) => {
    discard();
    throw storageError(e);
  });
  if (existing && (expected !== undefined ? existing.bytes === expected : existing.taskId === o.taskId)) {
    discard();
    return {
      key: o.key,
      bytes: existing.bytes,
      contentType: existing.contentType ?? storedType,
      skipped: true,
    };
  }
  if (!res.body) {
    throw new StepError(
      VIDEO_ERRORS.saveFailed,
      'EmptyMedia',
      `${operation(o.kind)} answered without a body`,
    );
  }

  const meter = new Meter(o.timeoutMs, timeout);
  // pipeline, not pipe: a download that fails midway must fail the upload reading from the meter.
  const body = pipeline(
    Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
    meter,
    () => undefined,
  );
  const upload = new Upload({
    client: o.s3,
    params: {
      Bucket: o.bucket,
      Key: o.key,
      Body: body,
      ContentType: storedType,
      Metadata: { 'task-id': o.taskId },
    },
    partSize: o.partSize ?? DEFAULT_PART_SIZE,
    queueSize: o.queueSize ?? DEFAULT_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (e) {
    // S3 answers carry `$metadata`; anything else is the download cut short (reset, stall).
    const s3Failed = !timedOut && typeof e === 'object' && e !== null && '$metadata' in e;
    discard();
    throw s3Failed ? storageError(e) : transportError(o.kind, e, timedOut);
  }
  if (expected !== undefined && meter.bytes !== expected)
    throw new StepError(
      'Upstream.Transient',
      'TruncatedDownload',
      `${operation(o.kind)} ended after ${meter.bytes} of ${expected} bytes`,
    );
  emitMetrics([point('bytesSaved', meter.bytes, { kind: o.kind === 'video' ? 'video' : 'lastFrame' })]);
  return { key: o.key, bytes: meter.bytes, contentType: storedType, skipped: false };
}

/** S3 failures leave as `Storage.Failed` (retried a few times by the ASL), without request details. */
export function storageError(e: unknown): StepError {
  const name = e instanceof Error ? e.name : 'Error';
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return new StepError(
    'Storage.Failed',
    name,
    `S3 upload failed (${name}${status ? `, HTTP ${status}` : ''})`,
  );
}
