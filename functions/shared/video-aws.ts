/**
 * AWS clients of the video handlers and steps, built once per process. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables (local mode changes no code); path-style addressing is a setting
 * because local S3 servers cannot serve bucket subdomains. Checksums only when required: newer SDKs add
 * an empty-body checksum to presigned requests that real S3 then rejects.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Config } from '../core/config';

let s3: S3Client | undefined;
let sfn: SFNClient | undefined;

export function s3Client(config: Pick<Config, 's3ForcePathStyle'>): S3Client {
  s3 ??= new S3Client({
    forcePathStyle: config.s3ForcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}

export function sfnClient(): SFNClient {
  sfn ??= new SFNClient({});
  return sfn;
}

/** Tests that change endpoints between cases drop the cached clients. */
export function resetAwsClients(): void {
  s3 = undefined;
  sfn = undefined;
}
