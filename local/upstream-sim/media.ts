/**
 * The files the simulator hands out: generated videos, last frames and stored asset copies, behind
 * expiring signed-ish links like the 24 h TOS links upstream returns (a 403 once expired or tampered).
 * The video is a real playable MP4 fixture, optionally padded to `videoBytes` with a trailing ISO-BMFF
 * `free` box (players skip it), streamed in chunks so a multi-GB size costs no memory.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/sim/${name}`, import.meta.url));

let videoFixture: Buffer | undefined;
let frameFixture: Buffer | undefined;
export const sampleVideo = () => (videoFixture ??= readFileSync(fixture('sample.mp4')));
export const sampleLastFrame = () => (frameFixture ??= readFileSync(fixture('last-frame.png')));

export type LinkCheck = 'ok' | 'expired' | 'invalid';

export class MediaLinks {
  private readonly secret = randomBytes(32);

  constructor(private readonly baseUrl: () => string) {}

  /** `base + path?X-Expires=<unix ms>&X-Signature=<hmac>`. */
  sign(path: string, ttlMs: number, now = Date.now()): string {
    const expires = String(now + ttlMs);
    return `${this.baseUrl()}${path}?X-Expires=${expires}&X-Signature=${this.mac(path, expires)}`;
  }

  check(path: string, query: URLSearchParams, now = Date.now()): LinkCheck {
    const expires = query.get('X-Expires');
    const signature = query.get('X-Signature');
    if (expires === null || signature === null) return 'invalid';
    const expected = Buffer.from(this.mac(path, expires), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) < now ? 'expired' : 'ok';
  }

  private mac(path: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex');
  }
}

/** The TOS/S3-style XML error a storage link answers with. */
export function sendStorageError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Header of a `free` box covering `padding` bytes (32-bit size, or 64-bit largesize beyond 4 GiB). */
export function freeBoxHeader(padding: number): Buffer {
  if (padding <= 0xffffffff) {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(padding, 0);
    h.write('free', 4, 'latin1');
    return h;
  }
  const h = Buffer.alloc(16);
  h.writeUInt32BE(1, 0);
  h.write('free', 4, 'latin1');
  h.writeBigUInt64BE(BigInt(padding), 8);
  return h;
}

/**
 * Total bytes served for a requested size: the fixture alone when the request is smaller than the
 * fixture plus the smallest box (8 bytes), else exactly `requested`.
 */
export function paddedVideoLength(fixtureLength: number, requested: number): number {
  return requested >= fixtureLength + 8 ? requested : fixtureLength;
}

const CHUNK = 64 * 1024;

/** Writes the padded video honouring backpressure; resolves when done or the client went away. */
export async function streamVideo(res: ServerResponse, requested: number, headOnly: boolean): Promise<void> {
  const video = sampleVideo();
  const total = paddedVideoLength(video.length, requested);
  res.writeHead(200, {
    'content-type': 'video/mp4',
    'content-length': total,
    'accept-ranges': 'none',
    'cache-control': 'private, max-age=0',
  });
  if (headOnly) {
    res.end();
    return;
  }
  let remaining = total - video.length;
  const parts: Buffer[] = [video];
  if (remaining > 0) {
    const header = freeBoxHeader(remaining);
    parts.push(header);
    remaining -= header.length;
  }
  for (const p of parts) if (!(await write(res, p))) return;
  const zeros = Buffer.alloc(CHUNK);
  while (remaining > 0) {
    const n = Math.min(CHUNK, remaining);
    if (!(await write(res, n === CHUNK ? zeros : zeros.subarray(0, n)))) return;
    remaining -= n;
  }
  res.end();
}

function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

export function sendBytes(res: ServerResponse, bytes: Buffer, contentType: string, headOnly: boolean): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
  res.end(headOnly ? undefined : bytes);
}
