/**
 * Turns s3rver's object events into the S3 notification Lambda receives and calls the upload trigger
 * handler in process. What AWS does and s3rver does not: keys URL-encoded (spaces as `+`), a proper
 * bucket ARN, the notification's prefix filter, and async-invocation retries (2 more attempts).
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { importHandler, lambdaContext } from '../sfn/runner';
import type { StepHandler } from '../sfn/runner';
import { logger } from '../../functions/shared/logger';

export interface S3TriggerOptions {
  /** Handler module from the repository root. */
  handlerModule: string;
  /** Only ObjectCreated events under this prefix are delivered (the stack's notification filter). */
  prefix: string;
  /** Delay between the async-invocation retries (AWS waits about a minute, then two). */
  retryDelaysMs?: [number, number];
  /** Replaces the handler module (tests). */
  handler?: StepHandler;
  onError?: (error: unknown, attempt: number) => void;
}

/** S3 encodes notification keys like a form value, keeping the slashes. */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

function normalize(raw: unknown): S3EventRecord[] {
  const records = (raw as { Records?: S3EventRecord[] } | undefined)?.Records ?? [];
  return records.map((r) => ({
    ...r,
    s3: {
      ...r.s3,
      bucket: { ...r.s3.bucket, arn: `arn:aws:s3:::${r.s3.bucket.name}` },
      object: { ...r.s3.object, key: encodeEventKey(r.s3.object.key) },
    },
  }));
}

export function s3Trigger(opts: S3TriggerOptions): (raw: unknown) => Promise<void> {
  const [d1, d2] = opts.retryDelaysMs ?? [1000, 2000];
  return async (raw) => {
    const records = normalize(raw).filter(
      (r) =>
        r.eventName.startsWith('ObjectCreated:') &&
        decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')).startsWith(opts.prefix),
    );
    if (records.length === 0) return;
    const event: S3Event = { Records: records };
    const name = opts.handlerModule.replace(/^.*\//, '').replace(/\.ts$/, '');
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const fn = opts.handler ?? (await importHandler(opts.handlerModule));
        await logger.isolate(() => fn(structuredClone(event), lambdaContext(name, 30)));
        return;
      } catch (e) {
        opts.onError?.(e, attempt);
        if (attempt < 3) await new Promise((r) => setTimeout(r, attempt === 1 ? d1 : d2));
      }
    }
  };
}
