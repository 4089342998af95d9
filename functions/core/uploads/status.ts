/**
 * Upload use cases over the state table: registering the upload a presigned POST was signed for, and
 * reading its status. The record is written at every transition (functions/core/records/uploads.ts);
 * the one status derived on read is `expired`: a record still awaiting its upload after the POST's
 * expiry and a grace.
 */
import type { RecordStore, UploadRecord } from '../records';
import { newUploadRecord, type NewUpload } from '../records';
import { notFound } from '../errors';

export type UploadStatus =
  'awaiting_upload' | 'validating' | 'rejected' | 'ingesting' | 'active' | 'failed' | 'expired';

export interface UploadView {
  uploadId: string;
  groupId: string;
  status: UploadStatus;
  fileName?: string;
  createdAt?: string;
  /** When the presigned POST stops being accepted (only while awaiting the upload). */
  expiresAt?: string;
  assetId?: string;
  assetUri?: string;
  error?: { code: string; message: string };
  finishedAt?: string;
}

/**
 * S3 checks the POST policy's expiry when the upload starts; a large upload on a slow link and the
 * event delivery can finish well after that. Only after this grace does "no upload" mean `expired`.
 */
export const UPLOAD_GRACE_SECONDS = 600;

export function uploadView(r: UploadRecord, now: Date): UploadView {
  const view: UploadView = { uploadId: r.id, groupId: r.groupId, status: r.status, createdAt: r.createdAt };
  if (r.fileName) view.fileName = r.fileName;
  if (r.status === 'awaiting_upload' && r.uploadExpiresAt) {
    const givesUpAt = new Date(r.uploadExpiresAt).getTime() + UPLOAD_GRACE_SECONDS * 1000;
    if (now.getTime() < givesUpAt) view.expiresAt = r.uploadExpiresAt;
    else view.status = 'expired';
  }
  if (r.assetId) view.assetId = r.assetId;
  if (r.assetUri) view.assetUri = r.assetUri;
  if (r.error) view.error = { code: r.error.code, message: r.error.message };
  if (r.finishedAt) view.finishedAt = r.finishedAt;
  return view;
}

export async function registerUpload(
  store: RecordStore,
  upload: NewUpload,
  ttlSeconds: number,
): Promise<void> {
  await store.create(newUploadRecord(upload), ttlSeconds);
}

/** GET /groups/{groupId}/uploads/{uploadId}: an upload of another group is as unknown as a missing one. */
export async function uploadStatus(
  store: RecordStore,
  groupId: string,
  uploadId: string,
  now: Date = new Date(),
): Promise<UploadView> {
  const r = await store.get('upload', uploadId);
  if (!r || r.kind !== 'upload' || r.groupId !== groupId) throw notFound('Upload', uploadId);
  return uploadView(r, now);
}
