/**
 * S3 ObjectCreated under incoming/ → one ingest execution per upload, named by the upload ID. A
 * duplicate event (S3 delivers at least once) hits ExecutionAlreadyExists, which is success here; an
 * object whose key is not one of ours is logged and ignored. Any other failure is rethrown after the
 * whole batch, so Lambda's async retry re-delivers it and the names deduplicate what already started.
 */
import type { S3Event } from 'aws-lambda';
import { loadConfig, required } from '../core/config';
import { decodeEventKey, parseUploadKey, type IngestInput } from '../core/uploads';
import { uploadChange } from '../core/records';
import { logger } from '../shared/logger';
import { recordTransition } from '../shared/record-transition';
import { executionStarter } from '../shared/sfn';

export interface TriggerResult {
  started: number;
  duplicates: number;
  ignored: number;
}

export async function handler(event: S3Event): Promise<TriggerResult> {
  const config = loadConfig();
  const ingest = executionStarter(required(config.ingestStateMachineArn, 'INGEST_STATE_MACHINE_ARN'));
  const result: TriggerResult = { started: 0, duplicates: 0, ignored: 0 };
  const failures: unknown[] = [];
  for (const record of event.Records ?? []) {
    const key = decodeEventKey(record.s3.object.key);
    const upload = key === undefined ? undefined : parseUploadKey(key);
    if (!key || !upload || !record.eventName.startsWith('ObjectCreated')) {
      logger.warn('ignored an object event that is not an upload', {
        eventName: record.eventName,
        key: (key ?? record.s3.object.key).slice(0, 300),
      });
      result.ignored++;
      continue;
    }
    const input: IngestInput = {
      bucket: record.s3.bucket.name,
      key,
      groupId: upload.groupId,
      uploadId: upload.uploadId,
      size: record.s3.object.size,
      eventTime: record.eventTime,
    };
    logger.setContext({ uploadId: upload.uploadId, groupId: upload.groupId });
    try {
      if ((await ingest.start(upload.uploadId, JSON.stringify(input))) === 'exists') {
        logger.info('ingest already started (duplicate event)');
        result.duplicates++;
        continue;
      }
      logger.info('ingest started', { size: input.size });
      result.started++;
      await recordTransition(uploadChange(upload, 'validating'), config);
    } catch (e) {
      logger.error('could not start the ingest', { error: e });
      failures.push(e);
    }
  }
  logger.setContext({});
  if (failures.length > 0) throw failures[0];
  return result;
}
