/**
 * S3 ObjectCreated under incoming/ → one ingest execution per upload, named by the upload ID. A
 * second event for an upload hits ExecutionAlreadyExists and is looked at, not just dropped: the same
 * ETag as the pinned copy is S3's at-least-once delivery; another one is a re-post of the form with
 * other bytes, which is moved to quarantine (the asset keeps the validated bytes) and logged. An
 * object whose key is not one of ours is logged and ignored. Any other failure is rethrown after the
 * whole batch, so Lambda's async retry re-delivers it and the names deduplicate what already started.
 */
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { loadConfig, required, type Config } from '../core/config';
import {
  INGEST_ERRORS,
  decodeEventKey,
  executionArnFor,
  judgeLaterObject,
  parseUploadKey,
  replacedKeyFor,
  validatedKeyFor,
  type IngestInput,
} from '../core/uploads';
import { uploadChange } from '../core/records';
import { logger } from '../shared/logger';
import { recordTransition } from '../shared/record-transition';
import { s3Client } from '../shared/s3';
import { sfnClient } from '../shared/sfn';

export interface TriggerResult {
  started: number;
  duplicates: number;
  /** Later objects with other bytes than the validated ones, moved to quarantine. */
  replaced: number;
  ignored: number;
}

const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (e: unknown) =>
  e instanceof Error && (e.name === 'NotFound' || e.name === 'NoSuchKey' || status(e) === 404);
const isChanged = (e: unknown) =>
  e instanceof Error && (e.name === 'PreconditionFailed' || status(e) === 412);

async function pinnedSourceETag(config: Config, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3Client(config).send(
      new HeadObjectCommand({ Bucket: bucket, Key: validatedKeyFor(key) }),
    );
    return head.Metadata?.['source-etag'] ?? head.ETag;
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/** Copy (only if it is still the object of this event), then delete; a re-run finds it gone. */
async function quarantineReplacement(
  config: Config,
  bucket: string,
  key: string,
  etag: string,
): Promise<string | undefined> {
  const s3 = s3Client(config);
  const to = replacedKeyFor(key);
  try {
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: to,
        CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        CopySourceIfMatch: `"${etag}"`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/octet-stream',
        Metadata: { 'rejection-code': INGEST_ERRORS.uploadReplaced, 'source-etag': etag },
      }),
    );
  } catch (e) {
    // Gone: moved by an earlier delivery. Changed: a newer object is there, and its own event follows.
    if (isMissing(e) || isChanged(e)) return undefined;
    throw e;
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return to;
}

export async function handler(event: S3Event): Promise<TriggerResult> {
  const config = loadConfig();
  const stateMachineArn = required(config.ingestStateMachineArn, 'INGEST_STATE_MACHINE_ARN');
  const result: TriggerResult = { started: 0, duplicates: 0, replaced: 0, ignored: 0 };
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
      await sfnClient().send(
        new StartExecutionCommand({ stateMachineArn, name: upload.uploadId, input: JSON.stringify(input) }),
      );
      logger.info('ingest started', { size: input.size });
      result.started++;
      await recordTransition(uploadChange(upload, 'validating'), config);
    } catch (e) {
      if (e instanceof Error && e.name === 'ExecutionAlreadyExists') {
        try {
          await lookAtLaterObject(
            config,
            executionArnFor(stateMachineArn, upload.uploadId),
            input,
            record.s3.object.eTag,
            result,
          );
        } catch (e2) {
          logger.error('could not check a later object of a started upload', { error: e2 });
          failures.push(e2);
        }
      } else {
        logger.error('could not start the ingest', { error: e });
        failures.push(e);
      }
    }
  }
  logger.setContext({});
  if (failures.length > 0) throw failures[0];
  return result;
}

async function lookAtLaterObject(
  config: Config,
  executionArn: string,
  input: IngestInput,
  eventETag: string | undefined,
  result: TriggerResult,
): Promise<void> {
  const pinned = await pinnedSourceETag(config, input.bucket, input.key);
  const running =
    pinned === undefined &&
    (await sfnClient().send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING';
  const verdict = judgeLaterObject(pinned, eventETag, running);
  if (verdict !== 'replaced' || !eventETag) {
    logger.info(
      verdict === 'duplicate'
        ? 'ingest already started (duplicate event)'
        : 'ingest already started; its validation pins what it checks',
    );
    result.duplicates++;
    return;
  }
  const movedTo = await quarantineReplacement(config, input.bucket, input.key, eventETag);
  if (!movedTo) {
    logger.info('later object event: the object is no longer there (moved, or replaced again)');
    result.duplicates++;
    return;
  }
  logger.warn('upload replaced after its ingest started', {
    validatedETag: pinned,
    replacementETag: eventETag,
    size: input.size,
    movedTo,
  });
  result.replaced++;
}
