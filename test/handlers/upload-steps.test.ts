import { resetS3Client } from '../../functions/shared/s3';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { startPolling } from '../../functions/core/schedule';
import { INGEST_POLL_POLICY, newUploadId } from '../../functions/core/uploads';
import type { Asset } from '../../functions/core/volcengine';
import { logger } from '../../functions/shared/logger';
import { resetIngestRuntime } from '../../functions/shared/ingest-step';
import { corpusEntry } from '../support/image-corpus';
import { DynamoRecordStore } from '../../functions/shared/dynamodb';
import { startTestTable, type TestTable } from '../support/state-table';
import type { CreateAssetOutput, CreateAssetQueued } from '../../functions/steps/ingest/create-asset';

const assets = {
  createAsset: vi.fn(),
  getAsset: vi.fn(),
  deleteAsset: vi.fn(),
  listed: [] as Asset[],
  async *iterateAssets() {
    yield* this.listed;
  },
};
vi.mock('../../functions/shared/clients', () => ({ assetsClient: () => assets }));

const s3 = mockClient(S3Client);
const lines: string[] = [];
const BUCKET = 'uploads-bucket';
const uploadId = newUploadId();
const KEY = `incoming/group-1/${uploadId}.jpg`;

const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
const upstream = (code: string, status: number) =>
  new UpstreamError({
    service: 'volcengine',
    code,
    status,
    message: `${code} happened`,
    operation: 'CreateAsset',
  });
const asset = (status: Asset['status'], error?: Asset['error']): Asset => ({
  id: 'asset-1',
  name: uploadId,
  groupId: 'group-1',
  assetType: 'Image',
  status,
  projectName: 'default',
  createTime: '2026-04-21T12:00:00Z',
  updateTime: '2026-04-21T12:00:00Z',
  ...(error ? { error } : {}),
});

/** Serves ranged GETs of `bytes` the way S3 does and records the ranges and ETag conditions. */
function serveObject(bytes: Uint8Array, etag = '"etag-1"') {
  s3.on(HeadObjectCommand).resolves({ ContentLength: bytes.length, ETag: etag, ContentType: 'image/png' });
  s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
    const part = bytes.subarray(Number(from), Number(to) + 1);
    return { Body: { transformToByteArray: async () => part } as unknown as GetObjectCommandOutput['Body'] };
  });
}

async function errorOf(p: Promise<unknown>): Promise<Error & { message: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

let table: TestTable;
beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-test-key');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  // A budget far above what these cases call: the governor's own cases below set theirs.
  vi.stubEnv('CREATE_ASSET_PER_MINUTE', '10000');
  logger.setSink((l) => lines.push(l));
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  s3.reset();
  resetIngestRuntime();
  resetS3Client();
  lines.length = 0;
  assets.createAsset.mockReset();
  assets.getAsset.mockReset();
  assets.deleteAsset.mockReset();
  assets.listed = [];
});

describe('Validate step', () => {
  it('inspects with ranged reads pinned to the ETag and never reads the whole object', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    const bytes = corpusEntry('exif-heavy.jpg').build();
    serveObject(bytes);
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId });
    // Assess
    expect(out).toMatchObject({
      format: 'jpeg',
      mime: 'image/jpeg',
      width: 1200,
      height: 1600,
      verdict: { ok: true },
    });
    expect(out.bytesRead).toBeLessThan(bytes.length);
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets.length).toBe(out.reads);
    for (const g of gets) {
      expect(g.IfMatch).toBe('"etag-1"');
      const [, from, to] = /bytes=(\d+)-(\d+)/.exec(g.Range ?? '') ?? [];
      expect(Number(to) - Number(from) + 1).toBeLessThanOrEqual(64 * 1024);
    }
  });

  it('pins an accepted image: a copy to validated/ conditioned on the ETag it checked', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    serveObject(corpusEntry('exif-heavy.jpg').build(), '"etag-checked"');
    s3.on(CopyObjectCommand).resolves({});
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId });
    // Assess
    expect(out.pinnedKey).toBe(`validated/group-1/${uploadId}.jpg`);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: `validated/group-1/${uploadId}.jpg`,
      CopySource: `${BUCKET}/${KEY}`,
      CopySourceIfMatch: '"etag-checked"',
      ContentType: 'image/jpeg',
      Metadata: { 'source-etag': 'etag-checked', 'upload-id': uploadId },
    });
  });

  it('fails UploadReplaced when the object changed before the pinned copy (412)', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    serveObject(corpusEntry('exif-heavy.jpg').build());
    s3.on(CopyObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    // Act
    const e = await errorOf(handler({ bucket: BUCKET, key: KEY, uploadId }));
    // Assess
    expect(e.name).toBe('UploadReplaced');
    expect(JSON.parse(e.message)).toMatchObject({ code: 'UploadReplaced' });
  });

  it('does not pin a rejected image', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    serveObject(new TextEncoder().encode('<html><body>not an image</body></html>'));
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId });
    // Assess
    expect(out.verdict.ok).toBe(false);
    expect(out.pinnedKey).toBeUndefined();
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  it('rejects an oversized object from HeadObject alone', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    s3.on(HeadObjectCommand).resolves({ ContentLength: 31 * 1024 * 1024, ETag: '"e"' });
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId });
    // Assess
    expect(out.verdict).toMatchObject({ ok: false, code: 'FileSizeTooLarge' });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('fails with UploadMissing when the object is gone', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    // Act
    const err = await errorOf(handler({ bucket: BUCKET, key: KEY, uploadId }));
    // Assess
    expect(err.name).toBe('UploadMissing');
  });

  it('turns an S3 5xx into Storage.Transient for the ASL to retry', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/validate-image');
    s3.on(HeadObjectCommand).resolves({ ContentLength: 100_000, ETag: '"e"' });
    s3.on(GetObjectCommand).rejects(s3Error('InternalError', 500));
    // Act
    const err = await errorOf(handler({ bucket: BUCKET, key: KEY, uploadId }));
    // Assess
    expect(err.name).toBe('Storage.Transient');
  });
});

describe('Quarantine step', () => {
  const verdict = {
    ok: false as const,
    code: 'AspectRatioTooLarge' as const,
    message: 'aspect ratio 2.61 is above 2.5 (2610×1000)',
  };

  it('moves the object to quarantine/ with the reason and returns the Fail cause', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/quarantine-image');
    s3.on(CopyObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId, verdict });
    // Assess
    expect(out).toEqual({
      quarantineKey: `quarantine/group-1/${uploadId}.jpg`,
      cause: JSON.stringify({ code: verdict.code, message: verdict.message }),
    });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: BUCKET,
      Key: `quarantine/group-1/${uploadId}.jpg`,
      CopySource: `${BUCKET}/${KEY}`,
      MetadataDirective: 'REPLACE',
      ContentType: 'application/octet-stream',
      Metadata: {
        'rejection-code': 'AspectRatioTooLarge',
        'rejection-reason': 'aspect ratio 2.61 is above 2.5 (2610x1000)',
        'upload-id': uploadId,
      },
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
  });

  it('succeeds on a retry after the source was already deleted', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/quarantine-image');
    s3.on(CopyObjectCommand).rejects(s3Error('NoSuchKey', 404));
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10 });
    s3.on(DeleteObjectCommand).resolves({});
    // Act
    const out = await handler({ bucket: BUCKET, key: KEY, uploadId, verdict });
    // Assess
    expect(out.quarantineKey).toBe(`quarantine/group-1/${uploadId}.jpg`);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Key: `quarantine/group-1/${uploadId}.jpg` });
  });
});

describe('CreateAsset step', () => {
  const input = { bucket: BUCKET, key: KEY, groupId: 'group-1', uploadId, mime: 'image/jpeg' };

  it('hands upstream a fresh presigned GET named by the upload ID and never logs it', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.createAsset.mockResolvedValue({ id: 'asset-1' });
    const before = Date.now();
    // Act
    const out = (await handler({ ...input, startedAt: new Date(before).toISOString() })) as CreateAssetOutput;
    // Assess
    expect(out).toMatchObject({ assetId: 'asset-1', reused: false, status: 'Processing' });
    expect(Date.parse(out.poll.waitUntil) - before).toBeGreaterThanOrEqual(5_000);
    expect(Date.parse(out.poll.waitUntil) - before).toBeLessThan(6_000);
    const arg = assets.createAsset.mock.calls[0]?.[0] as { url: string; name: string; assetType: string };
    expect(arg).toMatchObject({ groupId: 'group-1', name: uploadId, assetType: 'Image' });
    const url = new URL(arg.url);
    expect(url.pathname).toContain(`/incoming/group-1/${uploadId}.jpg`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-type')).toBe('image/jpeg');
    expect(url.searchParams.has('x-amz-checksum-mode')).toBe(false);
    expect(lines.join('\n')).not.toContain(url.searchParams.get('X-Amz-Signature') ?? 'unreachable');
  });

  it.each([
    ['InternalError', 500, 'Upstream.Transient'],
    ['Timeout', 0, 'Upstream.Transient'],
    ['InvalidParameter', 400, 'Upstream.Rejected'],
    ['MalformedResponse', 200, 'Upstream.Transient'],
  ])('leaves a %s (%i) as %s', async (code, status, name) => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.createAsset.mockRejectedValue(upstream(code, status));
    // Act
    const err = await errorOf(handler(input));
    // Assess
    expect(err.name).toBe(name);
    expect(JSON.parse(err.message)).toMatchObject({ code });
  });

  it('after an ambiguous failure reuses the asset found by Name instead of creating another', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.listed = [asset('Processing')];
    // Act
    const out = await handler({ ...input, lookupFirst: true });
    // Assess
    expect(out).toMatchObject({ assetId: 'asset-1', reused: true });
    expect(assets.createAsset).not.toHaveBeenCalled();
  });

  it('after an ambiguous failure creates the asset when the lookup finds none', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.listed = [asset('Failed')];
    assets.createAsset.mockResolvedValue({ id: 'asset-2' });
    // Act
    const out = await handler({ ...input, lookupFirst: true });
    // Assess
    expect(out).toMatchObject({ assetId: 'asset-2', reused: false });
  });
});

describe('CreateAsset step under the account budget', () => {
  const input = { bucket: BUCKET, key: KEY, groupId: 'group-1', mime: 'image/jpeg' };
  beforeEach(() => {
    vi.stubEnv('CREATE_ASSET_PER_MINUTE', '2');
    // Its own budget item per case: a fresh table name would need a fresh dynalite, a fresh window does not.
    vi.stubEnv('TIME_SCALE', '0.01');
    resetIngestRuntime();
  });
  afterEach(() => {
    vi.stubEnv('CREATE_ASSET_PER_MINUTE', '10000');
    vi.stubEnv('TIME_SCALE', '1');
    resetIngestRuntime();
  });

  it('answers queued with a place and a wake-up time beyond the budget, and records it on the upload', async () => {
    // Prepare: the 600 ms (scaled) window and its margin are empty after the previous case
    await new Promise((r) => setTimeout(r, 800));
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.createAsset.mockResolvedValue({ id: 'asset-1' });
    const ids = [newUploadId(), newUploadId(), newUploadId(), newUploadId()];
    // Act
    const outs = [];
    for (const uploadId of ids) {
      outs.push(await handler({ ...input, uploadId, budget: { waitedMs: 0 } }));
      // Grants are paced (a quarter of the mean interval, 75 ms here): ask after it.
      await new Promise((r) => setTimeout(r, 100));
    }
    // Assess
    expect(assets.createAsset).toHaveBeenCalledTimes(2);
    const queued = outs.slice(2) as CreateAssetQueued[];
    expect(queued.map((q) => q.queued)).toEqual([true, true]);
    expect(queued.map((q) => q.budget.queuePosition)).toEqual([1, 2]);
    expect(Date.parse(queued[0]!.budget.waitUntil)).toBeGreaterThan(Date.now());
    expect(Date.parse(queued[1]!.budget.estimatedStartAt)).toBeGreaterThanOrEqual(
      Date.parse(queued[0]!.budget.estimatedStartAt),
    );
    const record = await new DynamoRecordStore(table.table).get('upload', ids[3]!);
    expect(record).toMatchObject({ status: 'queued', queuePosition: 2 });
  });

  it('a throttle despite the budget queues the job again instead of failing it', async () => {
    // Prepare: room in the budget, once the moments the previous case's queued jobs reserved have passed
    await new Promise((r) => setTimeout(r, 1000));
    vi.stubEnv('CREATE_ASSET_PER_MINUTE', '1000');
    resetIngestRuntime();
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    assets.createAsset.mockRejectedValue(upstream('AccountFlowLimitExceeded', 200));
    // Act
    const out = (await handler({
      ...input,
      uploadId: newUploadId(),
      budget: { waitedMs: 0 },
    })) as CreateAssetQueued;
    // Assess
    expect(out.queued).toBe(true);
    // A new turn: no ticket, so its next ask reserves a new moment at the back of the schedule.
    expect(out.budget.ticket).toBeUndefined();
    expect(Date.parse(out.budget.waitUntil)).toBeGreaterThan(Date.now() - 1000);
    expect(assets.createAsset).toHaveBeenCalledTimes(1);
  });

  it('ends QueueExpired once the job waited longer than the cap', async () => {
    // Prepare: two days queued already, far past the 24 h cap (scaled: 864 s)
    const { handler } = await import('../../functions/steps/ingest/create-asset');
    const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await new Promise((r) => setTimeout(r, 800));
    assets.createAsset.mockResolvedValue({ id: 'asset-9' });
    await handler({ ...input, uploadId: newUploadId(), budget: { waitedMs: 0 } });
    await handler({ ...input, uploadId: newUploadId(), budget: { waitedMs: 0 } });
    // Act
    const err = await errorOf(
      handler({ ...input, uploadId: newUploadId(), budget: { queuedAt: longAgo, ticket: 1_000_000 } }),
    );
    // Assess
    expect(err.name).toBe('QueueExpired');
  });
});

describe('CheckAsset step', () => {
  const poll = startPolling(INGEST_POLL_POLICY, new Date());
  const input = { assetId: 'asset-1', uploadId, poll };

  it('ends with the asset URI when Active', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/check-asset');
    assets.getAsset.mockResolvedValue(asset('Active'));
    // Act
    const out = await handler(input);
    // Assess
    expect(out).toMatchObject({ status: 'Active', assetId: 'asset-1', assetUri: 'asset://asset-1' });
  });

  it('schedules the next check while Processing', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/check-asset');
    assets.getAsset.mockResolvedValue(asset('Processing'));
    // Act
    const out = await handler(input);
    // Assess
    expect(out).toMatchObject({ status: 'Processing', poll: { attempt: 1, deadlineAt: poll.deadlineAt } });
  });

  it('fails with AssetFailed carrying the upstream code and message', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/check-asset');
    assets.getAsset.mockResolvedValue(
      asset('Failed', { code: 'ContentRestricted', message: 'the content is restricted' }),
    );
    // Act
    const err = await errorOf(handler(input));
    // Assess
    expect(err.name).toBe('AssetFailed');
    expect(JSON.parse(err.message)).toEqual({
      code: 'ContentRestricted',
      message: 'the content is restricted',
      assetId: 'asset-1',
    });
  });

  it('deletes a DownloadFailed asset and asks for one re-creation, then gives up', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/check-asset');
    assets.getAsset.mockResolvedValue(asset('Failed', { code: 'DownloadFailed', message: 'HTTP 403' }));
    assets.deleteAsset.mockResolvedValue(undefined);
    // Act
    const first = await handler({ ...input, downloadRetries: 0 });
    const second = await errorOf(handler({ ...input, downloadRetries: 1 }));
    // Assess
    expect(first.status).toBe('Recreate');
    expect(assets.deleteAsset).toHaveBeenCalledTimes(1);
    expect(second.name).toBe('AssetFailed');
    expect(JSON.parse(second.message)).toMatchObject({ code: 'DownloadFailed' });
  });

  it('fails with TimedOut once the deadline has passed', async () => {
    // Prepare
    const { handler } = await import('../../functions/steps/ingest/check-asset');
    assets.getAsset.mockResolvedValue(asset('Processing'));
    const expired = { ...poll, deadlineAt: new Date(Date.now() - 1).toISOString() };
    // Act
    const err = await errorOf(handler({ ...input, poll: expired }));
    // Assess
    expect(err.name).toBe('TimedOut');
  });
});
