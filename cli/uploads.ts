/**
 * The upload flow shared by `seedance upload` and the demo: declare the file, POST it to the presigned
 * URL, then (optionally) follow the upload's status until the asset is active or the file is rejected.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ApiClient } from './api-client';
import { TERMINAL_UPLOAD_STATES, type UploadStatus } from './api-types';
import { pollUntil } from './wait';

export interface LocalFile {
  path: string;
  fileName: string;
  bytes: Uint8Array;
  contentType: string;
}

const BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.gif': 'image/gif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/**
 * The declared Content-Type, from the file's magic bytes first (a renamed file still declares what it
 * is), else from its extension, else `application/octet-stream` so the API names the problem.
 */
export function detectContentType(bytes: Uint8Array, fileName: string): string {
  const b = bytes;
  if (b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(b, 0, 4) === 'GIF8') return 'image/gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(b, 0, 2) === 'BM') return 'image/bmp';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'image/tiff';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return 'image/heic';
    if (['mif1', 'msf1', 'heif'].includes(brand)) return 'image/heif';
    if (brand === 'qt  ') return 'video/quicktime';
    if (!brand.startsWith('avi') && !brand.startsWith('M4A')) return 'video/mp4';
  }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe6) === 0xe2)) return 'audio/mpeg';
  return BY_EXTENSION[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

export async function readLocalFile(path: string): Promise<LocalFile> {
  const bytes = new Uint8Array(await readFile(path));
  const fileName = basename(path);
  return { path, fileName, bytes, contentType: detectContentType(bytes, fileName) };
}

export interface SentUpload {
  uploadId: string;
  groupId: string;
  fileName: string;
  bytes: number;
  contentType: string;
  expiresAt?: string;
}

/** Declares the file to the API and sends it to the presigned POST it answers with. */
export async function sendUpload(client: ApiClient, groupId: string, file: LocalFile): Promise<SentUpload> {
  const ticket = await client.createUpload(groupId, {
    fileName: file.fileName,
    contentType: file.contentType,
    contentLength: file.bytes.byteLength,
  });
  await client.uploadToPresignedPost(ticket.upload, file.bytes, file.contentType, file.fileName);
  return {
    uploadId: ticket.uploadId,
    groupId,
    fileName: file.fileName,
    bytes: file.bytes.byteLength,
    contentType: file.contentType,
    ...(ticket.expiresAt === undefined ? {} : { expiresAt: ticket.expiresAt }),
  };
}

export interface WaitOptions {
  intervalMs?: number;
  timeoutMs?: number;
  onUpdate?: (status: UploadStatus) => void;
  sleep?: (ms: number) => Promise<void>;
}

export function isTerminalUpload(s: UploadStatus): boolean {
  return TERMINAL_UPLOAD_STATES.includes(s.status);
}

/** Follows GET /groups/{id}/uploads/{uploadId} until active, rejected, failed or expired. */
export function waitForUpload(
  client: ApiClient,
  groupId: string,
  uploadId: string,
  opts: WaitOptions = {},
): Promise<UploadStatus> {
  return pollUntil(() => client.getUpload(groupId, uploadId), {
    intervalMs: opts.intervalMs ?? 1000,
    timeoutMs: opts.timeoutMs ?? 300_000,
    isDone: isTerminalUpload,
    describe: (s) => `upload ${uploadId} is still ${s?.status ?? 'unknown'}`,
    ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
}
