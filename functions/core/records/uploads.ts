/**
 * Upload records: written by POST /groups/{groupId}/uploads (awaiting_upload, with the file name), then
 * at each transition of the ingest state machine (Validate → validating, CreateAsset → ingesting, the
 * execution's end → active, rejected or failed).
 */
import { assetFailureHint } from '../asset-failures';
import { parseStepFailure, type StepFailure } from '../step-errors';
import { INGEST_ERRORS, type IngestInput } from '../uploads/ingest';
import { uploadIdTime } from '../ids';
import { parseJson, type ExecutionEnd } from './execution-end';
import { TERMINAL_RANK, UPLOAD_RANK, type StoredUploadStatus } from './transitions';
import type { RecordChange, UploadRecord } from './types';

export interface NewUpload {
  uploadId: string;
  groupId: string;
  fileName: string;
  contentType: string;
  contentLength: number;
  createdAt: Date;
  uploadExpiresAt: Date;
}

export function newUploadRecord(u: NewUpload): UploadRecord {
  const at = u.createdAt.toISOString();
  return {
    kind: 'upload',
    id: u.uploadId,
    status: 'awaiting_upload',
    rank: UPLOAD_RANK.awaiting_upload,
    createdAt: at,
    updatedAt: at,
    groupId: u.groupId,
    fileName: u.fileName,
    contentType: u.contentType,
    contentLength: u.contentLength,
    uploadExpiresAt: u.uploadExpiresAt.toISOString(),
  };
}

export function uploadChange(
  upload: Pick<IngestInput, 'uploadId' | 'groupId'>,
  status: StoredUploadStatus,
  set: Partial<
    Pick<UploadRecord, 'assetId' | 'assetUri' | 'error' | 'finishedAt' | 'queuePosition' | 'estimatedStartAt'>
  > = {},
  at: Date = new Date(),
): RecordChange {
  const created = uploadIdTime(upload.uploadId);
  return {
    kind: 'upload',
    id: upload.uploadId,
    status,
    rank: UPLOAD_RANK[status],
    at,
    set,
    setIfMissing: {
      groupId: upload.groupId,
      ...(created ? { createdAt: created.toISOString() } : {}),
    },
  };
}

const END_ERRORS: Record<string, { code: string; message: string }> = {
  TIMED_OUT: { code: 'TimedOut', message: 'the ingest execution timed out' },
  ABORTED: { code: 'Aborted', message: 'the ingest execution was stopped' },
};

/**
 * An asset that upstream failed gets the hint of its failure code (every code reads well, known or
 * not); an upstream call that failed for good carries the client's hint (throttling, credentials …).
 */
function failureHint(error: string | undefined, f: StepFailure): string | undefined {
  if (error === INGEST_ERRORS.assetFailed) return assetFailureHint(f.code);
  return typeof f.hint === 'string' && f.hint ? f.hint : undefined;
}

/** The final write from the ingest execution's end. */
export function uploadEndChange(end: ExecutionEnd): RecordChange {
  const input = parseJson<IngestInput>(end.input);
  const at = end.stopDate ?? new Date();
  const finishedAt = at.toISOString();
  const base = { uploadId: end.name, groupId: input?.groupId ?? '' };
  let change: RecordChange;
  if (end.status === 'SUCCEEDED') {
    const out = parseJson<{ assetId?: unknown; assetUri?: unknown }>(end.output) ?? {};
    change = uploadChange(
      base,
      'active',
      {
        finishedAt,
        ...(typeof out.assetId === 'string' ? { assetId: out.assetId } : {}),
        ...(typeof out.assetUri === 'string' ? { assetUri: out.assetUri } : {}),
      },
      at,
    );
  } else {
    const known = END_ERRORS[end.status];
    const f = known ?? parseStepFailure(end.error, end.cause);
    const hint = known ? undefined : failureHint(end.error, f as StepFailure);
    const status =
      !known && end.error === INGEST_ERRORS.rejected
        ? 'rejected'
        : !known && end.error === INGEST_ERRORS.queueExpired
          ? 'expired'
          : 'failed';
    const error = { code: f.code, message: f.message, ...(hint ? { hint } : {}) };
    change = uploadChange(base, status, { finishedAt, error }, at);
  }
  change.rank = TERMINAL_RANK;
  if (!input?.groupId) delete change.setIfMissing.groupId;
  return change;
}
