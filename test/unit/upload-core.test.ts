import { describe, expect, it } from 'vitest';
import type { Asset } from '../../functions/core/volcengine';
import {
  INGEST_POLL_POLICY,
  decodeEventKey,
  executionArnFor,
  extensionFor,
  findUploadAsset,
  ingestPollStart,
  isUploadId,
  newUploadId,
  parseUploadKey,
  quarantineKeyFor,
  uploadIdTime,
  uploadKey,
  uploadView,
} from '../../functions/core/uploads';
import {
  TERMINAL_RANK,
  newUploadRecord,
  uploadChange,
  uploadEndChange,
  type ExecutionEnd,
} from '../../functions/core/records';

const T0 = new Date('2026-04-21T12:00:00.000Z');

describe('upload IDs', () => {
  it('carry their creation time to the millisecond', () => {
    // Act
    const id = newUploadId(T0);
    // Assess
    expect(isUploadId(id)).toBe(true);
    expect(id).toHaveLength(26);
    expect(uploadIdTime(id)?.toISOString()).toBe(T0.toISOString());
  });

  it('sort by time and differ within the same millisecond', () => {
    // Act
    const a = newUploadId(T0);
    const b = newUploadId(T0);
    const later = newUploadId(new Date(T0.getTime() + 1));
    // Assess
    expect(a).not.toBe(b);
    expect([later, a].sort()[1]).toBe(later);
  });

  it('encodes the random part deterministically from the given bytes', () => {
    // Act
    const id = newUploadId(new Date(0), new Uint8Array(10).fill(0xff));
    // Assess
    expect(id).toBe('0000000000ZZZZZZZZZZZZZZZZ');
  });

  it.each(['', 'abc', '0000000000ZZZZZZZZZZZZZZZU', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', '../../etc/passwd'])(
    'rejects %j',
    (id) => {
      // Act
      const time = uploadIdTime(id);
      // Assess
      expect(time).toBeUndefined();
    },
  );
});

describe('upload keys', () => {
  const uploadId = newUploadId(T0);

  it('round-trip through the parser', () => {
    // Prepare
    const key = uploadKey({ groupId: 'group-20260421-abcde', uploadId, ext: 'jpg' });
    // Act
    const parsed = parseUploadKey(key);
    // Assess
    expect(key).toBe(`incoming/group-20260421-abcde/${uploadId}.jpg`);
    expect(parsed).toEqual({ groupId: 'group-20260421-abcde', uploadId, ext: 'jpg' });
  });

  it.each([
    'other/group-1/x.jpg',
    `incoming/group-1/${'A'.repeat(26)}.exe`,
    'incoming/group-1/not-an-id.png',
    `incoming/group 1/${uploadId}.png`,
    `incoming/a/b/${uploadId}.png`,
    `incoming/group-1/${uploadId}`,
  ])('does not claim %j', (key) => {
    // Act
    const parsed = parseUploadKey(key);
    // Assess
    expect(parsed).toBeUndefined();
  });

  it('refuses to build a key from untrusted parts', () => {
    // Act + Assess
    expect(() => uploadKey({ groupId: '../x', uploadId, ext: 'png' })).toThrow(RangeError);
    expect(() => uploadKey({ groupId: 'group-1', uploadId: 'evil', ext: 'png' })).toThrow(RangeError);
    expect(() => uploadKey({ groupId: 'group-1', uploadId, ext: 'html' })).toThrow(RangeError);
  });

  it('decodes S3 event keys (form encoding, + for space)', () => {
    // Act + Assess
    expect(decodeEventKey('incoming/group-1/a+b%2Bc.png')).toBe('incoming/group-1/a b+c.png');
    expect(decodeEventKey('incoming/%E0%A4%A.png')).toBeUndefined();
  });

  it('maps incoming/ to quarantine/', () => {
    // Act + Assess
    expect(quarantineKeyFor(`incoming/group-1/${uploadId}.png`)).toBe(`quarantine/group-1/${uploadId}.png`);
  });
});

describe('extensionFor', () => {
  it.each([
    ['image/jpeg', 'jpg'],
    ['image/JPEG', 'jpg'],
    ['image/heif', 'heif'],
    ['image/x-ms-bmp', 'bmp'],
    ['image/svg+xml', undefined],
    ['application/pdf', undefined],
  ])('%s → %s', (type, ext) => {
    // Act + Assess
    expect(extensionFor(type)).toBe(ext);
  });
});

describe('executionArnFor', () => {
  it('turns a state machine ARN into the execution ARN of a name', () => {
    // Act
    const arn = executionArnFor('arn:aws:states:us-east-1:123456789012:stateMachine:Ingest', 'ID1');
    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:Ingest:ID1');
  });
});

describe('ingestPollStart', () => {
  it('waits about 5 s first and gives up 15 min after the execution started', () => {
    // Prepare
    const now = new Date(T0.getTime() + 60_000);
    // Act
    const state = ingestPollStart(now, T0);
    // Assess
    expect(state.waitUntil).toBe(
      new Date(now.getTime() + INGEST_POLL_POLICY.firstDelaySeconds * 1000).toISOString(),
    );
    expect(state.deadlineAt).toBe(new Date(T0.getTime() + 15 * 60_000).toISOString());
  });

  it('clamps the first wait to the overall deadline and scales with timeScale', () => {
    // Prepare
    const now = new Date(T0.getTime() + 899_000 * 0.01);
    // Act
    const state = ingestPollStart(now, T0, 0.01);
    // Assess
    expect(state.deadlineAt).toBe(new Date(T0.getTime() + 9_000).toISOString());
    expect(state.waitUntil).toBe(state.deadlineAt);
  });
});

describe('upload records', () => {
  const uploadId = newUploadId(T0);
  const record = newUploadRecord({
    uploadId,
    groupId: 'group-1',
    fileName: 'face.png',
    contentType: 'image/png',
    contentLength: 10,
    createdAt: T0,
    uploadExpiresAt: new Date(T0.getTime() + 600_000),
  });
  const ended = (end: Partial<ExecutionEnd>) =>
    uploadEndChange({
      name: uploadId,
      status: 'FAILED',
      input: JSON.stringify({ uploadId, groupId: 'group-1' }),
      ...end,
    });

  it('is awaiting_upload until the URL expiry plus grace, then expired, keeping the file name', () => {
    // Act
    const waiting = uploadView(record, new Date(T0.getTime() + 1_000));
    const late = uploadView(record, new Date(T0.getTime() + 1_199_000));
    const expired = uploadView(record, new Date(T0.getTime() + 1_200_000));
    // Assess
    expect(waiting).toMatchObject({
      status: 'awaiting_upload',
      expiresAt: '2026-04-21T12:10:00.000Z',
      fileName: 'face.png',
    });
    expect(late.status).toBe('awaiting_upload');
    expect(expired).toEqual({
      uploadId,
      groupId: 'group-1',
      status: 'expired',
      fileName: 'face.png',
      createdAt: T0.toISOString(),
    });
  });

  it('is active with the asset of a succeeded execution', () => {
    // Act
    const change = ended({
      status: 'SUCCEEDED',
      output: '{"assetId":"asset-1","assetUri":"asset://asset-1"}',
    });
    // Assess
    expect(change).toMatchObject({
      status: 'active',
      rank: TERMINAL_RANK,
      set: { assetId: 'asset-1', assetUri: 'asset://asset-1' },
      setIfMissing: { groupId: 'group-1', createdAt: T0.toISOString() },
    });
  });

  it('is rejected with the reason of an ImageRejected failure', () => {
    // Act
    const change = ended({
      error: 'ImageRejected',
      cause: '{"code":"AspectRatioTooLarge","message":"aspect ratio 2.61 is above 2.5"}',
    });
    // Assess
    expect(change).toMatchObject({
      status: 'rejected',
      set: { error: { code: 'AspectRatioTooLarge', message: 'aspect ratio 2.61 is above 2.5' } },
    });
  });

  it('is failed with the upstream code of an AssetFailed wrapped by Lambda', () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'AssetFailed',
      errorMessage: JSON.stringify({ code: 'ContentRestricted', message: 'restricted', assetId: 'asset-1' }),
      trace: [],
    });
    // Act
    const change = ended({ error: 'AssetFailed', cause });
    // Assess
    expect(change).toMatchObject({
      status: 'failed',
      set: {
        error: {
          code: 'ContentRestricted',
          message: 'restricted',
          hint: 'Upstream moderation does not allow this content: pick another image.',
        },
      },
    });
  });

  it.each([
    ['InputImageSensitiveContentDetected.PrivacyInformation', /pick another image\. It shows a real person/],
    ['FaceMismatch', /photo of that same person/],
    ['SomethingNewUpstream', /with code SomethingNewUpstream: .*upload it again.*contact support/],
  ])('tells the uploader what to do about a failed asset with %s', (code, hint) => {
    // Prepare
    const cause = JSON.stringify({ code, message: 'upstream text', assetId: 'asset-1' });
    // Act
    const change = ended({ error: 'AssetFailed', cause });
    const view = uploadView({ ...record, status: 'failed', error: change.set.error as never }, T0);
    // Assess
    expect(view.error?.code).toBe(code);
    expect(view.error?.hint).toMatch(hint);
  });

  it("carries the client's hint when an upstream call failed for good (throttled past every retry)", () => {
    // Prepare
    const cause = JSON.stringify({
      code: 'AccountFlowLimitExceeded',
      message: 'Request denied by the account flow limit of CreateAsset',
      service: 'volcengine',
      status: 200,
      hint: 'retry later, raise the tier',
    });
    // Act
    const change = ended({ error: 'Upstream.Throttled', cause });
    // Assess
    expect(change).toMatchObject({
      status: 'failed',
      set: { error: { code: 'AccountFlowLimitExceeded', hint: 'retry later, raise the tier' } },
    });
  });

  it.each([
    ['TIMED_OUT', 'TimedOut'],
    ['ABORTED', 'Aborted'],
  ])('is failed for a %s execution', (status, code) => {
    // Act
    const change = ended({ status });
    // Assess
    expect(change).toMatchObject({ status: 'failed', rank: TERMINAL_RANK, set: { error: { code } } });
  });

  it('moves forward in the order awaiting_upload < validating < ingesting < the ends', () => {
    // Act
    const ranks = (['awaiting_upload', 'validating', 'ingesting', 'active'] as const).map(
      (st) => uploadChange({ uploadId, groupId: 'group-1' }, st).rank,
    );
    // Assess
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(4);
  });
});

describe('findUploadAsset', () => {
  const asset = (name: string, status: Asset['status'], id = `asset-${name}-${status}`): Asset => ({
    id,
    name,
    groupId: 'group-1',
    assetType: 'Image',
    status,
    projectName: 'default',
    createTime: T0.toISOString(),
    updateTime: T0.toISOString(),
  });
  const lister = (items: Asset[]) => ({
    asked: [] as unknown[],
    async *iterateAssets(q: unknown) {
      this.asked.push(q);
      yield* items;
    },
  });

  it('finds the live asset named exactly by the upload ID', async () => {
    // Prepare
    const client = lister([asset('U1-copy', 'Active'), asset('U1', 'Failed'), asset('U1', 'Processing')]);
    // Act
    const found = await findUploadAsset(client, 'group-1', 'U1');
    // Assess
    expect(found?.id).toBe('asset-U1-Processing');
    expect(client.asked).toEqual([{ filter: { groupIds: ['group-1'], name: 'U1' }, maxResults: 100 }]);
  });

  it('finds nothing when only a failed one exists', async () => {
    // Act
    const found = await findUploadAsset(lister([asset('U1', 'Failed')]), 'group-1', 'U1');
    // Assess
    expect(found).toBeUndefined();
  });
});
