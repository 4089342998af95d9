import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newUploadId } from '../../functions/core/uploads';
import { logger } from '../../functions/shared/logger';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';

const SM_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Ingest';
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const lines: string[] = [];

function s3Event(...keys: string[]): S3Event {
  return s3EventWith('etag-1', ...keys);
}

function s3EventWith(eTag: string, ...keys: string[]): S3Event {
  return {
    Records: keys.map(
      (key) =>
        ({
          eventName: 'ObjectCreated:Post',
          eventTime: '2026-04-21T12:00:01.000Z',
          s3: {
            bucket: { name: 'uploads-bucket', arn: 'arn:aws:s3:::uploads-bucket' },
            object: { key, size: 4242, eTag },
          },
        }) as unknown as S3EventRecord,
    ),
  };
}

const alreadyStarted = () => new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
const missing = () => new NotFound({ message: 'not found', $metadata: { httpStatusCode: 404 } });

let table: TestTable;
beforeAll(async () => {
  vi.stubEnv('INGEST_STATE_MACHINE_ARN', SM_ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTRIGGERTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'trigger-test-secret');
  logger.setSink((l) => lines.push(l));
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  sfn.reset();
  s3.reset();
  lines.length = 0;
});

describe('upload trigger', () => {
  it('starts one execution named by the upload ID with the decoded key', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const uploadId = newUploadId();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    // Act
    const result = await handler(s3Event(`incoming/group-1/${uploadId}.jpg`));
    // Assess
    expect(result).toEqual({ started: 1, duplicates: 0, replaced: 0, ignored: 0 });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toBe(uploadId);
    expect(call?.stateMachineArn).toBe(SM_ARN);
    expect(JSON.parse(call?.input ?? '{}')).toEqual({
      bucket: 'uploads-bucket',
      key: `incoming/group-1/${uploadId}.jpg`,
      groupId: 'group-1',
      uploadId,
      size: 4242,
      eventTime: '2026-04-21T12:00:01.000Z',
    });
    expect(await new DynamoRecordStore(table.table).get('upload', uploadId)).toMatchObject({
      status: 'validating',
      groupId: 'group-1',
    });
  });

  it('treats the same event delivered twice as one ingest (ExecutionAlreadyExists is success)', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const key = `incoming/group-1/${newUploadId()}.png`;
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:x', startDate: new Date() })
      .rejects(alreadyStarted());
    s3.on(HeadObjectCommand).resolves({ ETag: '"etag-1"', Metadata: { 'source-etag': 'etag-1' } });
    // Act
    const first = await handler(s3Event(key));
    const second = await handler(s3Event(key));
    // Assess
    expect(first).toEqual({ started: 1, duplicates: 0, replaced: 0, ignored: 0 });
    expect(second).toEqual({ started: 0, duplicates: 1, replaced: 0, ignored: 0 });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Key: key.replace('incoming/', 'validated/') });
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it('moves other bytes posted over a validated upload to quarantine and says so in the log', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const uploadId = newUploadId();
    const key = `incoming/group-1/${uploadId}.png`;
    sfn.on(StartExecutionCommand).rejects(alreadyStarted());
    s3.on(HeadObjectCommand).resolves({ Metadata: { 'source-etag': 'etag-validated' } });
    s3.on(CopyObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    // Act
    const result = await handler(s3EventWith('etag-other', key));
    // Assess
    expect(result).toEqual({ started: 0, duplicates: 0, replaced: 1, ignored: 0 });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: `quarantine/group-1/${uploadId}.replaced.png`,
      CopySource: `uploads-bucket/${key}`,
      CopySourceIfMatch: '"etag-other"',
      ContentType: 'application/octet-stream',
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: key });
    const warning = lines.find((l) => l.includes('upload replaced after its ingest started')) ?? '';
    expect(warning).toContain('etag-validated');
    expect(warning).toContain('etag-other');
  });

  it('quarantines an object posted after a rejected upload, and leaves a validating one to Validate', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const rejected = `incoming/group-1/${newUploadId()}.png`;
    const validating = `incoming/group-1/${newUploadId()}.png`;
    sfn.on(StartExecutionCommand).rejects(alreadyStarted());
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'FAILED' } as never)
      .resolvesOnce({ status: 'RUNNING' } as never);
    s3.on(HeadObjectCommand).rejects(missing());
    s3.on(CopyObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    // Act
    const after = await handler(s3EventWith('etag-2', rejected));
    const during = await handler(s3EventWith('etag-3', validating));
    // Assess
    expect(after.replaced).toBe(1);
    expect(during).toEqual({ started: 0, duplicates: 1, replaced: 0, ignored: 0 });
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: rejected });
  });

  it('logs and ignores keys that are not ours, including encoded ones', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    // Act
    const result = await handler(
      s3Event('incoming/group-1/holiday+photo.jpg', 'other/thing.png', 'incoming/%E0%A4%A.png'),
    );
    // Assess
    expect(result).toEqual({ started: 0, duplicates: 0, replaced: 0, ignored: 3 });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(lines.some((l) => l.includes('incoming/group-1/holiday photo.jpg'))).toBe(true);
  });

  it('finishes the batch, then rethrows a real failure so Lambda retries the event', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    const ok = `incoming/group-1/${newUploadId()}.png`;
    const broken = `incoming/group-1/${newUploadId()}.png`;
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(Object.assign(new Error('busy'), { name: 'ThrottlingException' }))
      .resolves({ executionArn: 'arn:x', startDate: new Date() });
    // Act
    const run = handler(s3Event(broken, ok));
    // Assess
    await expect(run).rejects.toThrow('busy');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });
});
