import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../local/s3/server';
import { encodeEventKey, s3Trigger } from '../../local/s3/trigger';

const CREDENTIALS = { accessKeyId: 'AKIDLOCALS3', secretAccessKey: 'local-s3-secret' };
const BUCKET = 'seedance-local';
const events: S3Event[] = [];
let failuresLeft = 0;
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  const trigger = s3Trigger({
    handlerModule: 'functions/triggers/upload-created.ts',
    prefix: 'incoming/',
    retryDelaysMs: [1, 1],
    handler: (event) => {
      if (failuresLeft-- > 0) throw new Error('transient');
      events.push(event as S3Event);
    },
  });
  s3 = await startLocalS3({ buckets: [BUCKET], credentials: [CREDENTIALS], onEvent: (e) => void trigger(e) });
  // No forcePathStyle on purpose: the handlers do not set it, and an IP endpoint must be enough.
  client = new S3Client({ endpoint: s3.url, region: 'us-east-1', credentials: CREDENTIALS });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});

async function postUpload(key: string, body: string): Promise<Response> {
  const post = await createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [['content-length-range', 1, 1000]],
    Fields: { 'Content-Type': 'image/png' },
    Expires: 60,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob([body], { type: 'image/png' }), 'x.png');
  return fetch(post.url, { method: 'POST', body: form });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('local S3', () => {
  it('accepts a presigned POST and delivers an ObjectCreated event with the S3-encoded key', async () => {
    // Prepare
    events.length = 0;
    failuresLeft = 1;

    // Act
    const res = await postUpload('incoming/g1/my photo.png', 'png-bytes');
    await until(() => events.length > 0);

    // Assess
    expect(res.status).toBe(204);
    const record = events[0]?.Records[0];
    expect(record?.eventName).toBe('ObjectCreated:Post');
    expect(record?.s3.bucket).toMatchObject({ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` });
    expect(record?.s3.object.key).toBe('incoming/g1/my+photo.png');
    expect(record?.s3.object.size).toBe(9);
  });

  it('serves the object through a presigned GET', async () => {
    // Prepare
    await postUpload('incoming/g1/get.png', 'hello');
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/g1/get.png' }),
      {
        expiresIn: 60,
      },
    );

    // Act
    const res = await fetch(url);

    // Assess
    expect(url.startsWith(`${s3.url}/${BUCKET}/`)).toBe(true);
    expect(await res.text()).toBe('hello');
  });

  it('delivers nothing outside the trigger prefix', async () => {
    // Prepare
    events.length = 0;

    // Act
    await postUpload('videos/v1.mp4', 'x');
    await postUpload('incoming/g1/marker.png', 'y');
    await until(() => events.length > 0);

    // Assess
    expect(events.flatMap((e) => e.Records.map((r) => r.s3.object.key))).toEqual(['incoming/g1/marker.png']);
  });

  it('answers a CORS preflight for a browser upload', async () => {
    // Prepare
    const headers = { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' };

    // Act
    const res = await fetch(`${s3.url}/${BUCKET}`, { method: 'OPTIONS', headers });

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('encodes keys like S3 notifications do', () => {
    // Prepare
    const key = 'incoming/a b/ü+x.png';

    // Act
    const encoded = encodeEventKey(key);

    // Assess
    expect(encoded).toBe('incoming/a+b/%C3%BC%2Bx.png');
  });
});

/** A form as POST /groups/{g}/uploads signs it: one key, the declared size, the declared type. */
async function uploadForm(key: string, size: number, expires = 60) {
  return createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [
      ['content-length-range', size, size],
      ['eq', '$Content-Type', 'image/png'],
    ],
    Fields: { 'Content-Type': 'image/png' },
    Expires: expires,
  });
}

async function postForm(
  post: { url: string; fields: Record<string, string> },
  body: Uint8Array,
  change: Record<string, string> = {},
): Promise<{ status: number; code: string; message: string; xml: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...post.fields, ...change })) form.append(k, v);
  form.append('file', new Blob([body], { type: 'image/png' }), 'x.png');
  const res = await fetch(post.url, { method: 'POST', body: form });
  const xml = await res.text();
  return {
    status: res.status,
    code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? '',
    message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '',
    xml,
  };
}

async function exists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe('local S3 enforces POST policies like S3', () => {
  const bytes = new Uint8Array(100).fill(7);

  it('stores a form posted as signed (the regular upload)', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/ok.png', bytes.length);

    // Act
    const res = await postForm(post, bytes);

    // Assess
    expect(res.status).toBe(204);
    expect(await exists('incoming/g2/ok.png')).toBe(true);
  });

  it('refuses another key than the signed one with AccessDenied, storing nothing', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/mine.png', bytes.length);

    // Act
    const res = await postForm(post, bytes, { key: 'incoming/g2/forged.png' });

    // Assess
    expect(res).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "incoming/g2/mine.png"]',
    });
    expect(await exists('incoming/g2/forged.png')).toBe(false);
  });

  it('refuses a larger body with EntityTooLarge and a smaller one with EntityTooSmall', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/size.png', bytes.length);

    // Act
    const larger = await postForm(post, new Uint8Array(bytes.length + 1));
    const smaller = await postForm(post, new Uint8Array(bytes.length - 1));

    // Assess
    expect(larger).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    expect(larger.xml).toContain('<MaxSizeAllowed>100</MaxSizeAllowed>');
    expect(larger.xml).toContain('<ProposedSize>101</ProposedSize>');
    expect(smaller).toMatchObject({ status: 400, code: 'EntityTooSmall' });
    expect(await exists('incoming/g2/size.png')).toBe(false);
  });

  it('refuses another Content-Type with AccessDenied', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/type.png', bytes.length);

    // Act
    const res = await postForm(post, bytes, { 'Content-Type': 'text/html' });

    // Assess
    expect(res).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(res.message).toContain('Policy Condition failed: ["eq", "$content-type", "image/png"]');
  });

  it('refuses an expired form with AccessDenied "Policy expired."', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/late.png', bytes.length, -1);

    // Act
    const res = await postForm(post, bytes);

    // Assess
    expect(res).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('refuses a bad policy signature and a policy rewritten without re-signing with SignatureDoesNotMatch', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/sig.png', bytes.length);
    const signature = post.fields['X-Amz-Signature'] ?? '';
    const flipped = (signature.startsWith('0') ? '1' : '0') + signature.slice(1);
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString()) as {
      conditions: unknown[];
    };
    policy.conditions = policy.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 0, 1e9] : c,
    );
    const widened = Buffer.from(JSON.stringify(policy)).toString('base64');

    // Act
    const badSignature = await postForm(post, bytes, { 'X-Amz-Signature': flipped });
    const rewritten = await postForm(post, new Uint8Array(5000), { Policy: widened });

    // Assess
    expect(badSignature).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(rewritten).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await exists('incoming/g2/sig.png')).toBe(false);
  });

  it('refuses a form field the policy does not cover', async () => {
    // Prepare
    const post = await uploadForm('incoming/g2/extra.png', bytes.length);

    // Act
    const res = await postForm(post, bytes, { 'x-amz-meta-note': 'hi' });

    // Assess
    expect(res).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Extra input fields: x-amz-meta-note',
    });
  });

  it('answers 412 PreconditionFailed to a read or copy pinned to another ETag', async () => {
    // Prepare
    await postForm(await uploadForm('incoming/g2/pinned.png', bytes.length), bytes);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/g2/pinned.png' }));
    const copy = (ifMatch: string) =>
      client.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'validated/g2/pinned.png',
          CopySource: `${BUCKET}/incoming/g2/pinned.png`,
          CopySourceIfMatch: ifMatch,
        }),
      );

    // Act
    const [staleRead, staleCopy] = await Promise.allSettled([
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/g2/pinned.png', IfMatch: '"0000"' })),
      copy('"0000"'),
    ]);

    // Assess
    expect(staleRead).toMatchObject({ status: 'rejected', reason: { $metadata: { httpStatusCode: 412 } } });
    expect(staleCopy).toMatchObject({ status: 'rejected', reason: { name: 'PreconditionFailed' } });
    await expect(copy(head.ETag ?? '')).resolves.toBeDefined();
    expect(await exists('validated/g2/pinned.png')).toBe(true);
  });
});
