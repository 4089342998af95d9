import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
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
