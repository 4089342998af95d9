import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newUploadId } from '../../functions/core/uploads';
import { logger } from '../../functions/shared/logger';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';

const SM_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Ingest';
const sfn = mockClient(SFNClient);
const lines: string[] = [];

function s3Event(...keys: string[]): S3Event {
  return {
    Records: keys.map(
      (key) =>
        ({
          eventName: 'ObjectCreated:Post',
          eventTime: '2026-04-21T12:00:01.000Z',
          s3: {
            bucket: { name: 'uploads-bucket', arn: 'arn:aws:s3:::uploads-bucket' },
            object: { key, size: 4242 },
          },
        }) as unknown as S3EventRecord,
    ),
  };
}

let table: TestTable;
beforeAll(async () => {
  vi.stubEnv('INGEST_STATE_MACHINE_ARN', SM_ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  logger.setSink((l) => lines.push(l));
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  sfn.reset();
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
    expect(result).toEqual({ started: 1, duplicates: 0, ignored: 0 });
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
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    // Act
    const first = await handler(s3Event(key));
    const second = await handler(s3Event(key));
    // Assess
    expect(first).toEqual({ started: 1, duplicates: 0, ignored: 0 });
    expect(second).toEqual({ started: 0, duplicates: 1, ignored: 0 });
  });

  it('logs and ignores keys that are not ours, including encoded ones', async () => {
    // Prepare
    const { handler } = await import('../../functions/triggers/upload-created');
    // Act
    const result = await handler(
      s3Event('incoming/group-1/holiday+photo.jpg', 'other/thing.png', 'incoming/%E0%A4%A.png'),
    );
    // Assess
    expect(result).toEqual({ started: 0, duplicates: 0, ignored: 3 });
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
