/**
 * Upload use cases over the state table: registering the upload a presigned POST was signed for, and
 * reading its status. The record is written at every transition (functions/core/records/uploads.ts);
 * the statuses derived on read are `expired` (a record still awaiting its upload after the POST's
 * expiry and a grace) and `deleted` (ingested, but the asset is gone upstream), and a quarantined
 * replacement shows as `replaced` — two facts the record cannot hold, looked up through ports.
 */
import type { RecordStore, UploadRecord } from '../records';
import { newUploadRecord, type NewUpload } from '../records';
import { notFound } from '../errors';
import { REPLACED_MESSAGE } from './replacement';

export type UploadStatus =
  | 'awaiting_upload'
  | 'validating'
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
  status: UploadStatus;
  fileName?: string;
  createdAt?: string;
  /** When the presigned POST stops being accepted (only while awaiting the upload). */
  expiresAt?: string;
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
  if (r.error)
    view.error = {
      code: r.error.code,
      message: r.error.message,
      ...(r.error.hint ? { hint: r.error.hint } : {}),
    };
  if (r.finishedAt) view.finishedAt = r.finishedAt;
  return view;
}

/**
 * Facts the record cannot hold, each a lookup that degrades to "nothing to say" when it fails (the
 * adapter logs it): a replacement quarantined by the trigger, and an ingested asset gone upstream.
 */
export interface UploadFacts {
  replacedAt(r: UploadRecord): Promise<Date | undefined>;
  assetGone(assetId: string): Promise<boolean>;
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
  facts?: UploadFacts,
): Promise<UploadView> {
  const r = await store.get('upload', uploadId);
  if (!r || r.kind !== 'upload' || r.groupId !== groupId) throw notFound('Upload', uploadId);
  const view = uploadView(r, now);
  if (!facts) return view;
  const [replaced, gone] = await Promise.all([
    r.status === 'awaiting_upload' ? undefined : facts.replacedAt(r),
    view.status === 'active' && view.assetId ? facts.assetGone(view.assetId) : false,
  ]);
  if (gone) {
    view.status = 'deleted';
    view.error = { code: 'AssetDeleted', message: `asset ${view.assetId ?? ''} no longer exists upstream` };
  }
  if (replaced) view.replaced = { at: replaced.toISOString(), message: REPLACED_MESSAGE };
  return view;
}
