/**
 * Uploads as a queue that outlives the view: declare (POST .../uploads), send the bytes straight to S3
 * with the presigned POST (per-file progress), then follow GET .../uploads/{id} to a final status.
 */
import { hintFor } from '../../functions/core/errors';
import { api, ApiError, describeError, pollWithBackoff, postToStorage, seg } from './api';
import { createStore, fileNames, previews } from './store';
import { TERMINAL_UPLOAD_STATES, type Upload, type UploadTicket } from './types';

export type Phase =
  | 'waiting' // in this page's queue, not sent yet
  | 'declaring'
  | 'sending'
  | 'refused' // the API or storage said no before any ingest
  | Upload['status'];

export interface UploadItem {
  key: string;
  groupId: string;
  fileName: string;
  size: number;
  phase: Phase;
  progress: number;
  uploadId?: string;
  assetId?: string;
  queuePosition?: number;
  estimatedStartAt?: string;
  error?: { code: string; message: string; hint?: string };
  preview?: string;
}

export const uploads = createStore<UploadItem[]>([]);

/** Files in flight to storage at once; the rest wait in the page's queue. */
const PARALLEL_SENDS = 3;
let sending = 0;
const pending: { item: UploadItem; file: File }[] = [];
let counter = 0;

function update(key: string, patch: Partial<UploadItem>): void {
  uploads.set(uploads.get().map((u) => (u.key === key ? { ...u, ...patch } : u)));
}

/** Status in words, as a person reads it. */
export function phaseText(u: UploadItem): string {
  switch (u.phase) {
    case 'waiting':
      return 'waiting to be sent';
    case 'declaring':
      return 'checking the file with the API';
    case 'sending':
      return `uploading ${Math.round(u.progress * 100)} %`;
    case 'refused':
      return u.error?.message ?? 'the upload was not accepted';
    case 'awaiting_upload':
      return 'uploaded, waiting for storage to report it';
    case 'validating':
      return 'validating the image';
    case 'queued':
      return u.queuePosition !== undefined
        ? `queued, position ${u.queuePosition}${u.estimatedStartAt ? `, starts about ${new Date(u.estimatedStartAt).toLocaleTimeString()}` : ''}`
        : 'queued for the asset library';
    case 'ingesting':
      return 'ingesting into the asset library';
    // The badge before the text names these final states; the text says what they mean.
    case 'active':
      return 'ready to use';
    case 'rejected':
      return u.error?.message ?? 'the image breaks the asset rules';
    case 'failed':
      return u.error?.message ?? 'the asset library did not accept it';
    case 'expired':
      return 'the file never arrived in storage';
    default:
      return u.phase;
  }
}

export const isFinished = (u: UploadItem) =>
  u.phase === 'refused' || TERMINAL_UPLOAD_STATES.includes(u.phase);

export function addFiles(groupId: string, files: Iterable<File>, onActive: () => void): void {
  for (const file of files) {
    const key = `u${++counter}`;
    const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
    const item: UploadItem = {
      key,
      groupId,
      fileName: file.name,
      size: file.size,
      phase: 'waiting',
      progress: 0,
      ...(preview ? { preview } : {}),
    };
    uploads.set([...uploads.get(), item]);
    pending.push({ item, file });
  }
  pump(onActive);
}

function pump(onActive: () => void): void {
  while (sending < PARALLEL_SENDS && pending.length > 0) {
    const next = pending.shift();
    if (!next) break;
    sending++;
    void send(next.item, next.file, onActive).finally(() => {
      sending--;
      pump(onActive);
    });
  }
}

async function send(item: UploadItem, file: File, onActive: () => void): Promise<void> {
  let ticket: UploadTicket;
  try {
    update(item.key, { phase: 'declaring' });
    ticket = await api<UploadTicket>('POST', `/groups/${seg(item.groupId)}/uploads`, {
      fileName: file.name,
      contentType: file.type || 'application/octet-stream',
      contentLength: file.size,
    });
    update(item.key, { phase: 'sending', uploadId: ticket.uploadId });
    await postToStorage(ticket.upload, file, (progress) => update(item.key, { progress }));
  } catch (e) {
    update(item.key, { phase: 'refused', error: describeError(e) });
    return;
  }
  update(item.key, { phase: 'awaiting_upload' });
  if (item.preview) previews.set(ticket.uploadId, item.preview);
  void follow(item.key, item.groupId, ticket.uploadId, onActive);
}

/** An ingest failure's hint from the error catalogue (the asset library's codes), when it has one. */
function withHint(e: { code: string; message: string; details?: unknown }): NonNullable<UploadItem['error']> {
  const hint = hintFor('volcengine', e.code, 0, e.message);
  return { code: e.code, message: e.message, ...(hint ? { hint } : {}) };
}

async function follow(key: string, groupId: string, uploadId: string, onActive: () => void): Promise<void> {
  await pollWithBackoff(
    () => api<Upload>('GET', `/groups/${seg(groupId)}/uploads/${seg(uploadId)}`),
    (s) => {
      const preview = previews.get(uploadId);
      if (s.assetId && preview) previews.set(s.assetId, preview);
      const item = uploads.get().find((u) => u.key === key);
      if (s.assetId && item) fileNames.set(s.assetId, item.fileName);
      update(key, {
        phase: s.status,
        ...(s.assetId ? { assetId: s.assetId } : {}),
        ...(s.queuePosition !== undefined ? { queuePosition: s.queuePosition } : {}),
        ...(s.estimatedStartAt ? { estimatedStartAt: s.estimatedStartAt } : {}),
        ...(s.error ? { error: withHint(s.error) } : {}),
      });
      if (s.status === 'active') onActive();
    },
    (s) => TERMINAL_UPLOAD_STATES.includes(s.status),
    new AbortController().signal,
    (e) => {
      const final = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429;
      if (final) update(key, { phase: 'failed', error: describeError(e) });
      return final;
    },
  );
}
