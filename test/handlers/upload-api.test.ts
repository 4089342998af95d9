import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import {
  newUploadRecord,
  uploadChange,
  uploadEndChange,
  type ExecutionEnd,
} from '../../functions/core/records';
import { newUploadId, parseUploadKey, uploadIdTime } from '../../functions/core/uploads';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';
import { apiEvent, errorCode, lambdaContext, parseResult } from './api-event';

const assets = { getAssetGroup: vi.fn() };
vi.mock('../../functions/shared/clients', () => ({ assetsClient: () => assets }));

const SM_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Ingest';
const GROUP = 'group-20260421120000-abcde';
const sfn = mockClient(SFNClient);
const SMALL_JPEG = { fileName: 'a.jpg', contentType: 'image/jpeg', contentLength: 1000 };

/** The upstream group check (GetAssetGroup) fails with this status and code. */
const groupCheckFails = (status: number, code: string) =>
  assets.getAssetGroup.mockRejectedValue(
    new UpstreamError({ service: 'volcengine', code, status, message: `group check: ${code}` }),
  );

const TTL = 86_400;
let table: TestTable;
beforeAll(async () => {
  vi.stubEnv('BUCKET_NAME', 'uploads-bucket');
  vi.stubEnv('INGEST_STATE_MACHINE_ARN', SM_ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-test-key');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  assets.getAssetGroup.mockReset();
  sfn.reset();
});

interface PostAnswer {
  uploadId: string;
  upload: { url: string; fields: Record<string, string> };
  expiresAt: string;
}
interface Policy {
  expiration: string;
  conditions: unknown[];
}

async function createUpload(body: unknown) {
  const { handler } = await import('../../functions/api/create-upload');
  const result = await handler(
    apiEvent({ method: 'POST', path: `/groups/${GROUP}/uploads`, pathParameters: { groupId: GROUP }, body }),
    lambdaContext(),
  );
  return parseResult(result);
}

describe('POST /groups/{groupId}/uploads', () => {
  it('signs a POST policy for exactly one key, the declared size and the declared type', async () => {
    // Prepare
    assets.getAssetGroup.mockResolvedValue({ id: GROUP });
    const before = Date.now();
    // Act
    const res = await createUpload({
      fileName: '../../me & you.PNG',
      contentType: 'image/png',
      contentLength: 123456,
    });
    // Assess
    expect(res.status).toBe(201);
    const answer = res.body as PostAnswer;
    const key = answer.upload.fields.key ?? '';
    expect(parseUploadKey(key)).toEqual({ groupId: GROUP, uploadId: answer.uploadId, ext: 'png' });
    expect(key).not.toMatch(/me|you/);
    const policy = JSON.parse(
      Buffer.from(answer.upload.fields.Policy ?? '', 'base64').toString('utf8'),
    ) as Policy;
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'uploads-bucket' },
        { key },
        ['content-length-range', 123456, 123456],
        ['eq', '$Content-Type', 'image/png'],
      ]),
    );
    expect(answer.upload.fields['Content-Type']).toBe('image/png');
    const expiresIn = Date.parse(policy.expiration) - before;
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThan(610_000);
    expect(Date.parse(answer.expiresAt) - (uploadIdTime(answer.uploadId)?.getTime() ?? 0)).toBe(600_000);
    expect(assets.getAssetGroup).toHaveBeenCalledWith(GROUP);
  });

  it.each([
    [{ fileName: 'a.svg', contentType: 'image/svg+xml', contentLength: 10 }, 400, 'UnsupportedContentType'],
    [{ fileName: 'a.png', contentType: 'image/png', contentLength: 30 * 1024 * 1024 }, 400, 'FileTooLarge'],
    [{ fileName: 'a.mp4', contentType: 'video/mp4', contentLength: 201 * 1024 * 1024 }, 400, 'FileTooLarge'],
  ])('answers %j with %i %s before calling upstream', async (body, status, code) => {
    // Act
    const res = await createUpload(body);
    // Assess
    expect([res.status, errorCode(res)]).toEqual([status, code]);
    expect(assets.getAssetGroup).not.toHaveBeenCalled();
  });

  it('takes its size limit from MAX_IMAGE_BYTES', async () => {
    // Prepare
    vi.stubEnv('MAX_IMAGE_BYTES', '1500');
    // Act
    const res = await createUpload({ ...SMALL_JPEG, contentLength: 2000 });
    delete process.env.MAX_IMAGE_BYTES;
    // Assess
    expect([res.status, errorCode(res)]).toEqual([400, 'FileTooLarge']);
    expect((res.body as { error: { message: string } }).error.message).toContain('1500-byte limit');
  });

  it.each([
    [{ fileName: 'a.png', contentType: 'not a type', contentLength: 10 }, 'contentType'],
    [{ fileName: 'a.png', contentType: 'image/png', contentLength: 5 * 1024 ** 3 + 1 }, 'contentLength'],
    [{ fileName: 'a.png', contentType: 'image/png', contentLength: 0 }, 'contentLength'],
    [{ fileName: '', contentType: 'image/png', contentLength: 10 }, 'fileName'],
  ])('refuses %j before calling upstream', async (body, field) => {
    // Act
    const res = await createUpload(body);
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('ValidationError');
    expect(JSON.stringify(res.body)).toContain(field);
    expect(assets.getAssetGroup).not.toHaveBeenCalled();
  });

  it('answers 400 InvalidJson for a body that is not JSON, before calling upstream', async () => {
    // Act
    const res = await createUpload('{"fileName": "a.png", "contentType": ');
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('InvalidJson');
    expect(assets.getAssetGroup).not.toHaveBeenCalled();
  });

  it.each([
    [{ ...SMALL_JPEG, contentLength: '10' }, ['contentLength']],
    [{ ...SMALL_JPEG, fileName: 5 }, ['fileName']],
    [{ ...SMALL_JPEG, contentType: ['image/png'] }, ['contentType']],
    [{ fileName: 'a.jpg' }, ['contentType', 'contentLength']],
    [{}, ['fileName', 'contentType', 'contentLength']],
    [[SMALL_JPEG], ['']],
  ])('answers 400 ValidationError naming the fields of %j', async (body, fields) => {
    // Act
    const res = await createUpload(body);
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('ValidationError');
    const details = (res.body as { error: { details: Array<{ location: string; field: string }> } }).error
      .details;
    expect(details.map((d) => d.field).sort()).toEqual([...fields].sort());
    expect(details.every((d) => d.location === 'body')).toBe(true);
    expect(assets.getAssetGroup).not.toHaveBeenCalled();
  });

  it('answers 404 for a group upstream does not know', async () => {
    // Prepare
    groupCheckFails(404, 'NotFound.group_id');
    // Act
    const res = await createUpload(SMALL_JPEG);
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it('still signs the upload when the group check is throttled (ingest reports a missing group)', async () => {
    // Prepare
    groupCheckFails(429, 'FlowLimitExceeded');
    // Act
    const res = await createUpload(SMALL_JPEG);
    // Assess
    expect(res.status).toBe(201);
    expect((res.body as PostAnswer).uploadId).toMatch(/\S/);
  });

  it('answers 502 when the group check fails upstream for another reason', async () => {
    // Prepare
    groupCheckFails(500, 'InternalError');
    // Act
    const res = await createUpload(SMALL_JPEG);
    // Assess
    expect(res.status).toBe(502);
  });
});

async function getUpload(uploadId: string, groupId = GROUP) {
  const { handler } = await import('../../functions/api/get-upload');
  const result = await handler(
    apiEvent({ path: `/groups/${groupId}/uploads/${uploadId}`, pathParameters: { groupId, uploadId } }),
    lambdaContext(),
  );
  return parseResult(result);
}

describe('GET /groups/{groupId}/uploads/{uploadId}', () => {
  const records = () => new DynamoRecordStore(table.table);
  const ended = (uploadId: string, end: Partial<ExecutionEnd>) =>
    records().advance(
      uploadEndChange({
        name: uploadId,
        status: 'FAILED',
        input: JSON.stringify({ uploadId, groupId: GROUP }),
        ...end,
      }),
      TTL,
    );

  it('is awaiting_upload after the POST, with the file name, and makes no Step Functions call', async () => {
    // Prepare
    assets.getAssetGroup.mockResolvedValue({ id: GROUP });
    const { uploadId } = (await createUpload({ ...SMALL_JPEG, fileName: 'face.jpg' })).body as PostAnswer;
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      uploadId,
      groupId: GROUP,
      status: 'awaiting_upload',
      fileName: 'face.jpg',
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('is expired long after the URL expired with no upload', async () => {
    // Prepare
    const createdAt = new Date(Date.now() - 3 * 3600_000);
    const uploadId = newUploadId(createdAt);
    await records().create(
      newUploadRecord({
        uploadId,
        groupId: GROUP,
        fileName: 'a.jpg',
        contentType: 'image/jpeg',
        contentLength: 1,
        createdAt,
        uploadExpiresAt: new Date(createdAt.getTime() + 600_000),
      }),
      TTL,
    );
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toMatchObject({ status: 'expired' });
  });

  it('is ingesting once CreateAsset recorded it', async () => {
    // Prepare
    const uploadId = newUploadId();
    await records().advance(uploadChange({ uploadId, groupId: GROUP }, 'ingesting'), TTL);
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toMatchObject({ status: 'ingesting' });
  });

  it('is rejected with the reason a person can read', async () => {
    // Prepare
    const uploadId = newUploadId();
    await ended(uploadId, {
      error: 'ImageRejected',
      cause: JSON.stringify({ code: 'WidthTooSmall', message: 'width 299 px is below 300 px' }),
    });
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toMatchObject({
      status: 'rejected',
      error: { code: 'WidthTooSmall', message: 'width 299 px is below 300 px' },
    });
  });

  it('is active with the asset URI of a succeeded execution', async () => {
    // Prepare
    const uploadId = newUploadId();
    const stopDate = new Date();
    await ended(uploadId, {
      status: 'SUCCEEDED',
      stopDate,
      output: JSON.stringify({ assetId: 'asset-1', assetUri: 'asset://asset-1' }),
    });
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toEqual({
      uploadId,
      groupId: GROUP,
      status: 'active',
      createdAt: uploadIdTime(uploadId)?.toISOString(),
      assetId: 'asset-1',
      assetUri: 'asset://asset-1',
      finishedAt: stopDate.toISOString(),
    });
  });

  it('answers 404 for an upload of another group', async () => {
    // Prepare
    const uploadId = newUploadId();
    await records().advance(uploadChange({ uploadId, groupId: 'group-other' }, 'validating'), TTL);
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it('answers 400 for something that is not an upload ID', async () => {
    // Act
    const res = await getUpload('..%2F..%2Fx');
    // Assess
    expect(res.status).toBe(400);
  });

  it('answers 404 for an upload it has no record of', async () => {
    // Act
    const res = await getUpload(newUploadId(new Date(Date.now() + 86_400_000)));
    // Assess
    expect(res.status).toBe(404);
  });
});
