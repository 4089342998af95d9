export { ACCEPTED_CONTENT_TYPES, UPLOAD_EXTENSIONS, extensionFor } from './content-types';
export {
  INGEST_ERRORS,
  INGEST_POLL_POLICY,
  VALIDATION_STATES,
  executionArnFor,
  ingestPollStart,
  type IngestInput,
} from './ingest';
export {
  INCOMING_PREFIX,
  QUARANTINE_PREFIX,
  decodeEventKey,
  parseUploadKey,
  quarantineKeyFor,
  uploadKey,
  type UploadKey,
} from './keys';
export {
  UPLOAD_GRACE_SECONDS,
  registerUpload,
  uploadStatus,
  uploadView,
  type UploadStatus,
  type UploadView,
} from './status';
export { isUploadId, newUploadId, uploadIdTime } from './upload-id';
export { findUploadAsset, type AssetLister } from './find-asset';
