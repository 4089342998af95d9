// The save step's streaming into S3 (s3rver on loopback): checks on status, type and length, the skip
// that makes a re-run upload nothing, and the error names the ASL retries or fails on.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { StepError } from '../../functions/core/step-errors';
import { streamToS3, type StreamToS3Options } from '../../functions/shared/save-stream';
import { BUCKET, s3Object, sha256, startVideoRig, type VideoRig } from './video-support';

let rig: VideoRig;
let media: Server;
let mediaUrl: string;
const MB = 1024 * 1024;
const BODY = Buffer.alloc(6 * MB + 123, 7);

/** Answers per path: each route shows one way a download can go wrong (or right). */
const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok.mp4': (res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(BODY.length) });
    res.end(BODY);
  },
  '/chunked.mp4': (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(BODY.subarray(0, 1000));
    res.end(BODY.subarray(1000, 5000));
  },
  '/page.html': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>login</html>');
  },
  '/gone.mp4': (res) => {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end('<Error>AccessDenied</Error>');
  },
  '/busy.mp4': (res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('busy');
  },
  '/truncated.mp4': (res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(BODY.length) });
    res.write(BODY.subarray(0, 100_000), () => res.socket?.destroy());
  },
  '/stalled.mp4': (res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '5000' });
    res.write(BODY.subarray(0, 1000));
  },
};

beforeAll(async () => {
  rig = await startVideoRig();
  media = createServer((req, res) =>
    (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res),
  );
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
});

afterAll(async () => {
  media?.closeAllConnections();
  await new Promise((r) => media?.close(r));
  await rig?.close();
});

function save(path: string, key: string, over: Partial<StreamToS3Options> = {}) {
  return streamToS3({
    s3: rig.s3,
    bucket: BUCKET,
    key,
    url: `${mediaUrl}${path}`,
    kind: 'video',
    taskId: 'cgt-test',
    timeoutMs: 2_000,
    partSize: 5 * MB,
    queueSize: 1,
    ...over,
  });
}

async function exists(key: string): Promise<boolean> {
  try {
    await rig.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('saving upstream media into S3', () => {
  it('streams a multi-part file byte for byte, then skips it on a re-run', async () => {
    // Act
    const first = await save('/ok.mp4', 'videos/a/video.mp4');
    const second = await save('/ok.mp4', 'videos/a/video.mp4');
    // Assess
    expect(first).toEqual({
      key: 'videos/a/video.mp4',
      bytes: BODY.length,
      contentType: 'video/mp4',
      skipped: false,
    });
    expect(second.skipped).toBe(true);
    const stored = await s3Object(rig.s3, 'videos/a/video.mp4');
    expect(sha256(stored.bytes)).toBe(sha256(BODY));
  });

  it('saves a body without a declared length and recognises it on a re-run by its task', async () => {
    // Act
    const first = await save('/chunked.mp4', 'videos/b/video.mp4');
    const again = await save('/chunked.mp4', 'videos/b/video.mp4');
    const otherTask = await save('/chunked.mp4', 'videos/b/video.mp4', { taskId: 'cgt-other' });
    // Assess
    expect(first).toMatchObject({ bytes: 5000, skipped: false });
    expect(again.skipped).toBe(true);
    expect(otherTask.skipped).toBe(false);
  });

  it('refuses an answer that is not a video (SaveFailed, not retried) and stores nothing', async () => {
    // Act
    const e = await failure(save('/page.html', 'videos/c/video.mp4'));
    // Assess
    expect(e).toBeInstanceOf(StepError);
    expect(e).toMatchObject({ name: 'SaveFailed', code: 'UnexpectedContentType' });
    expect(await exists('videos/c/video.mp4')).toBe(false);
  });

  it('fails SaveFailed on a refused link (expired or deleted)', async () => {
    // Act
    const e = await failure(save('/gone.mp4', 'videos/d/video.mp4'));
    // Assess
    expect(e).toMatchObject({ name: 'SaveFailed', code: 'MediaLinkRefused' });
    expect((e as Error).message).not.toContain(mediaUrl);
  });

  it('reports a 5xx as a retryable upstream error', async () => {
    // Act
    const e = await failure(save('/busy.mp4', 'videos/e/video.mp4'));
    // Assess
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({ status: 503, retryable: true });
  });

  it('reports a body cut short as a retryable network error and leaves no object', async () => {
    // Act
    const e = await failure(save('/truncated.mp4', 'videos/f/video.mp4'));
    // Assess
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({ code: 'NetworkError', retryable: true });
    expect(await exists('videos/f/video.mp4')).toBe(false);
  });

  it('reports an S3 failure as Storage.Failed (retried by the ASL) without request details', async () => {
    // Act
    const e = await failure(save('/ok.mp4', 'videos/h/video.mp4', { bucket: 'no-such-bucket' }));
    // Assess
    expect(e).toBeInstanceOf(StepError);
    expect(e).toMatchObject({ name: 'Storage.Failed', code: 'NoSuchBucket' });
  });

  it('gives up on a stalled body after the idle timeout', async () => {
    // Act
    const e = await failure(save('/stalled.mp4', 'videos/g/video.mp4', { timeoutMs: 300 }));
    // Assess
    expect(e).toMatchObject({ code: 'Timeout', retryable: true });
    expect(await exists('videos/g/video.mp4')).toBe(false);
  });
});
