/**
 * The S3 adapter of the group idempotency records (functions/core/groups/idempotency.ts): read, a
 * create-only claim (If-None-Match: *, S3's conditional write), overwrite, and release.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../core/config';
import type { GroupIdempotencyRecord } from '../core/groups';
import { s3Client } from './s3';

type Status = { name?: string; $metadata?: { httpStatusCode?: number } };
const status = (e: unknown) => (e as Status).$metadata?.httpStatusCode;

export interface IdempotencyStore {
  read(key: string): Promise<GroupIdempotencyRecord | undefined>;
  /** False when a record already exists (someone else claimed the key). */
  claim(key: string, record: GroupIdempotencyRecord): Promise<boolean>;
  write(key: string, record: GroupIdempotencyRecord): Promise<void>;
  release(key: string): Promise<void>;
}

export function idempotencyStore(config: Config, bucket: string): IdempotencyStore {
  const s3 = s3Client(config);
  const put = (key: string, record: GroupIdempotencyRecord, createOnly: boolean) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(record),
        ContentType: 'application/json',
        ...(createOnly ? { IfNoneMatch: '*' } : {}),
      }),
    );
  return {
    async read(key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await out.Body?.transformToString()) ?? '{}') as GroupIdempotencyRecord;
      } catch (e) {
        if ((e as Status).name === 'NoSuchKey' || status(e) === 404) return undefined;
        throw e;
      }
    },
    async claim(key, record) {
      try {
        await put(key, record, true);
        return true;
      } catch (e) {
        // 412: the key exists; 409 ConditionalRequestConflict: a concurrent claim is being written.
        if (status(e) === 412 || status(e) === 409) return false;
        throw e;
      }
    },
    async write(key, record) {
      await put(key, record, false);
    },
    async release(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
