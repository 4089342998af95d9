/**
 * Upload use cases over the state table: registering the upload a presigned POST was signed for, and
 * reading its status. The record is written at every transition (functions/core/records/uploads.ts);
 * what is derived on read: `expired` (a record still awaiting its upload after the POST's expiry and a
 * grace), `deleted` (ingested, but upstream no longer has the asset) and `replaced` (another file posted
 * over the upload was quarantined). The last two are one look each, behind the UploadFacts port.
 */
import { notFound } from '../errors';
import {
  newUploadRecord,
  type NewUpload,
  type RecordReader,
  type RecordStore,
  type UploadRecord,
} from '../records';
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
  status: UploadStatus;
  fileName?: string;
  createdAt?: string;
  /** When the presigned POST stops being accepted (only while awaiting the upload). */
  expiresAt?: string;
  /** While `queued`: the place in line for upstream budget (1 = next) and when its turn should come. */
  queuePosition?: number;
  estimatedStartAt?: string;
  assetId?: string;
  assetUri?: string;
  /** `hint`: what the person who uploaded should do (re-upload, another image, contact support, …). */
  error?: { code: string; message: string; hint?: string };
  /** Another file was posted over the upload after its ingest started (moved to quarantine). */
  replaced?: { at: string; message: string };
  finishedAt?: string;
}

/**
 * S3 checks the POST policy's expiry when the upload starts; a large upload on a slow link and the
 * event delivery can finish well after that. Only after this grace does "no upload" mean `expired`.
 */
export const UPLOAD_GRACE_SECONDS = 600;

/** Facts the record cannot hold, looked up on read (S3 and upstream; never Step Functions). */
export interface UploadFacts {
  /** When a replacement of this upload was quarantined, if one was. */
  replacedAt(record: UploadRecord): Promise<Date | undefined>;
  /** True when upstream answers NotFound for the asset (a failed look answers false). */
  assetGone(assetId: string): Promise<boolean>;
}

export interface ReadFacts {
  replacedAt?: Date;
  assetGone?: boolean;
}

export function uploadView(r: UploadRecord, now: Date, facts: ReadFacts = {}): UploadView {
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
  if (view.status === 'active' && facts.assetGone) {
    view.status = 'deleted';
    view.error = { code: 'AssetDeleted', message: `asset ${view.assetId ?? ''} no longer exists upstream` };
  }
  if (facts.replacedAt) view.replaced = { at: facts.replacedAt.toISOString(), message: REPLACED_MESSAGE };
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
  store: RecordReader,
  facts: UploadFacts,
  groupId: string,
  uploadId: string,
  now: Date = new Date(),
): Promise<UploadView> {
  const r = await store.get('upload', uploadId);
  if (!r || r.kind !== 'upload' || r.groupId !== groupId) throw notFound('upload', uploadId);
  const started = r.status !== 'awaiting_upload';
  const [replacedAt, assetGone] = await Promise.all([
    started ? facts.replacedAt(r) : undefined,
    r.status === 'active' && r.assetId ? facts.assetGone(r.assetId) : false,
  ]);
  return uploadView(r, now, { ...(replacedAt ? { replacedAt } : {}), assetGone });
}
