import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { newUploadId, parseUploadKey, uploadIdTime } from '../../functions/core/uploads';
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

beforeAll(() => {
  vi.stubEnv('BUCKET_NAME', 'uploads-bucket');
  vi.stubEnv('INGEST_STATE_MACHINE_ARN', SM_ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-test-key');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
});
afterAll(() => vi.unstubAllEnvs());
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
    [{ fileName: 'a.svg', contentType: 'image/svg+xml', contentLength: 10 }, 'contentType'],
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
  it('is awaiting_upload while no execution exists and the URL is fresh', async () => {
    // Prepare
    const uploadId = newUploadId();
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uploadId, groupId: GROUP, status: 'awaiting_upload' });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:Ingest:${uploadId}`,
    });
  });

  it('is expired when no execution exists long after the URL expired', async () => {
    // Prepare
    const uploadId = newUploadId(new Date(Date.now() - 3 * 3600_000));
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toMatchObject({ status: 'expired' });
  });

  it('is ingesting while the execution polls the asset', async () => {
    // Prepare
    const uploadId = newUploadId();
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', input: JSON.stringify({ groupId: GROUP }) });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'WaitStateExited', timestamp: new Date() },
        {
          id: 8,
          type: 'WaitStateEntered',
          timestamp: new Date(),
          stateEnteredEventDetails: { name: 'WaitForAsset' },
        },
      ],
    });
    // Act
    const res = await getUpload(uploadId);
    // Assess
    expect(res.body).toMatchObject({ status: 'ingesting' });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { reverseOrder: true });
  });

  it('is rejected with the reason a person can read', async () => {
    // Prepare
    const uploadId = newUploadId();
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      input: JSON.stringify({ groupId: GROUP }),
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
    expect(sfn).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
  });

  it('is active with the asset URI of a succeeded execution', async () => {
    // Prepare
    const uploadId = newUploadId();
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      input: JSON.stringify({ groupId: GROUP }),
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
    });
  });

  it('answers 404 for an upload of another group', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', input: JSON.stringify({ groupId: 'group-other' }) });
    // Act
    const res = await getUpload(newUploadId());
    // Assess
    expect(res.status).toBe(404);
  });

  it('answers 400 for something that is not an upload ID, without calling Step Functions', async () => {
    // Act
    const res = await getUpload('..%2F..%2Fx');
    // Assess
    expect(res.status).toBe(400);
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it('answers 404 for an ID dated in the future', async () => {
    // Act
    const res = await getUpload(newUploadId(new Date(Date.now() + 86_400_000)));
    // Assess
    expect(res.status).toBe(404);
  });
});
