/**
 * An upload's status, derived from its ingest execution (DescribeExecution) or, before there is one,
 * from the creation time inside the upload ID. No database: the execution is the record.
 */
import { assetFailureHint } from '../asset-failures';
import { parseStepFailure, type StepFailure } from '../step-errors';
import { INGEST_ERRORS, VALIDATION_STATES } from './ingest';
import { REPLACED_MESSAGE } from './replacement';
import { uploadIdTime } from './upload-id';

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

export interface UploadExecution {
  /** DescribeExecution status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Name of the state the execution last entered, from its history, when known. */
  currentState?: string;
}

export interface UploadView {
  uploadId: string;
  groupId: string;
  status: UploadStatus;
  createdAt?: string;
  /** When the presigned POST stops being accepted (only while awaiting the upload). */
  expiresAt?: string;
  assetId?: string;
  assetUri?: string;
  /** `hint`: what the person who uploaded should do (re-upload, another image, contact support, …). */
  error?: { code: string; message: string; hint?: string };
  /** Another file was posted over the upload after its ingest started (moved to quarantine). */
  replaced?: { at: string; message: string };
}

/**
 * S3 checks the POST policy's expiry when the upload starts; a large upload on a slow link and the
 * event delivery can finish well after that. Only after this grace does "no execution" mean `expired`.
 */
export const UPLOAD_GRACE_SECONDS = 600;

export interface DescribeUploadArgs {
  uploadId: string;
  groupId: string;
  execution: UploadExecution | undefined;
  now: Date;
  uploadUrlTtlSeconds: number;
  /** When a replacement of the upload was quarantined, if one was. */
  replacedAt?: Date;
  /** True when upstream answered NotFound for the asset of a succeeded ingest. */
  assetGone?: boolean;
}

function parseOutput(output: string | undefined): { assetId?: string; assetUri?: string } {
  try {
    const o = JSON.parse(output ?? '{}') as { assetId?: unknown; assetUri?: unknown };
    return {
      ...(typeof o.assetId === 'string' ? { assetId: o.assetId } : {}),
      ...(typeof o.assetUri === 'string' ? { assetUri: o.assetUri } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * An asset that upstream failed gets the hint of its failure code (every code reads well, known or
 * not); an upstream call that failed for good carries the client's hint (throttling, credentials …).
 */
function failureHint(error: string | undefined, f: StepFailure): string | undefined {
  if (error === INGEST_ERRORS.assetFailed) return assetFailureHint(f.code);
  return typeof f.hint === 'string' && f.hint ? f.hint : undefined;
}

export function describeUpload(a: DescribeUploadArgs): UploadView {
  const view = describeExecution(a);
  const gone: Partial<UploadView> =
    view.status === 'active' && a.assetGone
      ? {
          status: 'deleted',
          error: { code: 'AssetDeleted', message: `asset ${view.assetId ?? ''} no longer exists upstream` },
        }
      : {};
  const replaced = a.replacedAt ? { at: a.replacedAt.toISOString(), message: REPLACED_MESSAGE } : undefined;
  return { ...view, ...gone, ...(replaced ? { replaced } : {}) };
}

function describeExecution(a: DescribeUploadArgs): UploadView {
  const created = uploadIdTime(a.uploadId);
  const base: UploadView = {
    uploadId: a.uploadId,
    groupId: a.groupId,
    status: 'awaiting_upload',
    ...(created ? { createdAt: created.toISOString() } : {}),
  };
  const ex = a.execution;
  if (!ex) {
    const expiresAt = new Date((created?.getTime() ?? 0) + a.uploadUrlTtlSeconds * 1000);
    const givesUpAt = expiresAt.getTime() + UPLOAD_GRACE_SECONDS * 1000;
    return a.now.getTime() < givesUpAt
      ? { ...base, status: 'awaiting_upload', expiresAt: expiresAt.toISOString() }
      : { ...base, status: 'expired' };
  }
  switch (ex.status) {
    case 'RUNNING':
      return {
        ...base,
        status:
          ex.currentState === undefined || VALIDATION_STATES.includes(ex.currentState)
            ? 'validating'
            : 'ingesting',
      };
    case 'SUCCEEDED':
      return { ...base, status: 'active', ...parseOutput(ex.output) };
    case 'TIMED_OUT':
      return {
        ...base,
        status: 'failed',
        error: { code: 'TimedOut', message: 'the ingest execution timed out' },
      };
    case 'ABORTED':
      return {
        ...base,
        status: 'failed',
        error: { code: 'Aborted', message: 'the ingest execution was stopped' },
      };
    default: {
      const f = parseStepFailure(ex.error, ex.cause);
      const hint = failureHint(ex.error, f);
      const error = { code: f.code, message: f.message, ...(hint ? { hint } : {}) };
      return ex.error === INGEST_ERRORS.rejected
        ? { ...base, status: 'rejected', error }
        : { ...base, status: 'failed', error };
    }
  }
}
