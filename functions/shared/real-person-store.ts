/**
 * The S3 adapter of the real-person SessionStore (functions/core/real-person/sessions.ts): one JSON
 * object per session under real-person/, created with If-None-Match: * (create-only, like the group
 * idempotency records). A small port on purpose: the records move into the state table once it exists.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../core/config';
import type { SessionRecord, SessionStore } from '../core/real-person';
import { realPersonSessionKey } from '../core/storage-layout';
import { s3Client } from './s3';

type Status = { name?: string; $metadata?: { httpStatusCode?: number } };
const status = (e: unknown) => (e as Status).$metadata?.httpStatusCode;

const sessionKey = realPersonSessionKey;

export function realPersonStore(config: Config, bucket: string): SessionStore {
  const s3 = s3Client(config);
  const put = (record: SessionRecord, createOnly: boolean) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: sessionKey(record.sessionId),
        Body: JSON.stringify(record),
        ContentType: 'application/json',
        ...(createOnly ? { IfNoneMatch: '*' } : {}),
      }),
    );
  return {
    async get(sessionId) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: sessionKey(sessionId) }));
        return JSON.parse((await out.Body?.transformToString()) ?? '{}') as SessionRecord;
      } catch (e) {
        if ((e as Status).name === 'NoSuchKey' || status(e) === 404) return undefined;
        throw e;
      }
    },
    async create(record) {
      try {
        await put(record, true);
        return true;
      } catch (e) {
        if (status(e) === 412 || status(e) === 409) return false;
        throw e;
      }
    },
    async put(record) {
      await put(record, false);
    },
  };
}
