/**
 * Upload use cases over the state table: registering the upload a presigned POST was signed for, and
 * reading its status. The record is written at every transition (functions/core/records/uploads.ts);
 * the statuses derived on read are `expired` (a record still awaiting its upload after the POST's
 * expiry and a grace) and `deleted` (the asset of an ingested upload is gone upstream, which the
 * handler looks up), plus `replaced` when a later file posted over the upload was quarantined.
 */
import type { RecordStore, UploadRecord } from '../records';
import { newUploadRecord, type NewUpload } from '../records';
import { notFound } from '../errors';
import { REPLACED_MESSAGE } from './replacement';

export type UploadStatus =
  | 'awaiting_upload'
  | 'validating'
  /** Waiting for upstream budget (CreateAsset per minute), with `queuePosition` and `estimatedStartAt`. */
  | 'queued'
  | 'rejected'
  | 'ingesting'
  | 'active'
  | 'failed'
  | 'expired'
  /** Ingested, but the asset is gone upstream (deleted through the API, the console or the cleanup). */
  | 'deleted';

export interface UploadView {
  uploadId: string;
  groupId: string;
  fileName?: string;
  status: UploadStatus;
  createdAt?: string;
  /** When the presigned POST stops being accepted (while `awaiting_upload`). */
  expiresAt?: string;
  /** While `queued`: the place in line for upstream budget (1 = next) and when its turn should come. */
  queuePosition?: number;
  estimatedStartAt?: string;
  assetId?: string;
  assetUri?: string;
  /** `hint`: what the person who uploaded should do (re-upload, another image, contact support, …). */
  error?: { code: string; message: string; hint?: string };
  finishedAt?: string;
  /** Another file was posted over the upload after its ingest started (moved to quarantine). */
  replaced?: { at: string; message: string };
}

/**
 * S3 checks the POST policy's expiry when the upload starts; a large upload on a slow link and the
 * event delivery can finish well after that. Only after this grace does "no upload" mean `expired`.
 */
export const UPLOAD_GRACE_SECONDS = 600;

/** Facts the record cannot hold, looked up by the handler. */
export interface UploadLookups {
  /** When a replacement of the upload was quarantined, if one was. */
  replacedAt?: Date;
  /** True when upstream answered NotFound for the asset of an ingested upload. */
  assetGone?: boolean;
}

export function uploadView(r: UploadRecord, now: Date, lookups: UploadLookups = {}): UploadView {
  const view: UploadView = { uploadId: r.id, groupId: r.groupId, status: r.status, createdAt: r.createdAt };
  if (r.fileName) view.fileName = r.fileName;
  if (r.status === 'awaiting_upload' && r.uploadExpiresAt) {
    const givesUpAt = new Date(r.uploadExpiresAt).getTime() + UPLOAD_GRACE_SECONDS * 1000;
    if (now.getTime() < givesUpAt) view.expiresAt = r.uploadExpiresAt;
    else view.status = 'expired';
  }
  if (r.status === 'queued') {
    if (r.queuePosition !== undefined) view.queuePosition = r.queuePosition;
    if (r.estimatedStartAt) view.estimatedStartAt = r.estimatedStartAt;
  }
  if (r.assetId) view.assetId = r.assetId;
  if (r.assetUri) view.assetUri = r.assetUri;
  if (r.error)
    view.error = {
      code: r.error.code,
      message: r.error.message,
      ...(r.error.hint ? { hint: r.error.hint } : {}),
    };
  if (r.finishedAt) view.finishedAt = r.finishedAt;
  if (view.status === 'active' && lookups.assetGone) {
    view.status = 'deleted';
    view.error = { code: 'AssetDeleted', message: `asset ${view.assetId ?? ''} no longer exists upstream` };
  }
  if (lookups.replacedAt) view.replaced = { at: lookups.replacedAt.toISOString(), message: REPLACED_MESSAGE };
  return view;
}

export async function registerUpload(
  store: RecordStore,
  upload: NewUpload,
  ttlSeconds: number,
): Promise<void> {
  await store.create(newUploadRecord(upload), ttlSeconds);
}

/** The upload's record; an upload of another group is as unknown as a missing one. */
export async function uploadRecord(
  store: RecordStore,
  groupId: string,
  uploadId: string,
): Promise<UploadRecord> {
  const r = await store.get('upload', uploadId);
  if (!r || r.kind !== 'upload' || r.groupId !== groupId) throw notFound('Upload', uploadId);
  return r;
}

/** GET /groups/{groupId}/uploads/{uploadId} without the handler's lookups. */
export async function uploadStatus(
  store: RecordStore,
  groupId: string,
  uploadId: string,
  now: Date = new Date(),
): Promise<UploadView> {
  return uploadView(await uploadRecord(store, groupId, uploadId), now);
}
