/**
 * What every ingest step needs, built once per Lambda process: config, the assets client (credentials
 * read from the cached secret on each call) and the logger tagged with the upload ID. The steps that
 * touch S3 take `functions/shared/s3.ts` themselves, so CheckAsset does not bundle the S3 SDK.
 */
import { loadConfig, type Config } from '../core/config';
import { StepError } from '../core/step-errors';
import type { AssetsClient } from '../core/volcengine';
import { assetsClient } from './clients';
import { stepRunner, type StepRunner } from './run-step';

interface IngestRuntime {
  config: Config;
  assets: () => AssetsClient;
}

let runtime: IngestRuntime | undefined;

export function ingestRuntime(): IngestRuntime {
  if (!runtime) {
    const config = loadConfig();
    let assets: AssetsClient | undefined;
    runtime = {
      config,
      assets: () => (assets ??= assetsClient(config)),
    };
  }
  return runtime;
}

/** Tests that change the environment between cases rebuild the runtime. */
export function resetIngestRuntime(): void {
  runtime = undefined;
}

interface AwsErrorShape {
  name?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** S3 faults worth a Retry in the ASL (throttling, 5xx, network) leave as `Storage.Transient`. */
export function storageStepError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const a = e as Error & AwsErrorShape;
  const status = a.$metadata?.httpStatusCode ?? 0;
  if (
    a.$retryable ||
    status >= 500 ||
    status === 429 ||
    status === 503 ||
    a.name === 'SlowDown' ||
    a.name === 'TimeoutError'
  )
    return new StepError('Storage.Transient', a.name ?? 'S3Error', `S3 call failed: ${a.name ?? 'error'}`, {
      status,
    });
  return e;
}

export const isNotFound = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'NotFound' || e.name === 'NoSuchKey' || (e as AwsErrorShape).$metadata?.httpStatusCode === 404);

/** Runs a step body with the upload ID on every log line (see `stepRunner`). */
export const runStep: StepRunner = stepRunner('uploadId');
