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
  VALIDATED_PREFIX,
  bareETag,
  decodeEventKey,
  parseUploadKey,
  quarantineKeyFor,
  replacedKeyFor,
  uploadKey,
  validatedKeyFor,
  type UploadKey,
} from '../storage-layout';
export {
  UPLOAD_GRACE_SECONDS,
  registerUpload,
  uploadStatus,
  uploadView,
  type ReadFacts,
  type UploadFacts,
  type UploadStatus,
  type UploadView,
} from './status';
export { isUploadId, newUploadId, uploadIdTime } from '../ids';
export { findUploadAsset, type AssetLister } from './find-asset';
export { REPLACED_MESSAGE, judgeLaterObject, type LaterObject } from './replacement';
