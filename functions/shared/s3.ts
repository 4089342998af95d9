/**
 * The one S3 client of a Lambda process, built on first use. It lives in its own module so only the
 * handlers that touch S3 bundle the S3 SDK (CheckAsset and the polling steps load ~130 KiB less).
 * Path-style addressing is a setting because local S3 servers cannot serve bucket subdomains.
 * Checksums only when required: newer SDKs add CRC headers, and an empty-body checksum to presigned
 * URLs, that real S3 and S3-compatible servers refuse.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../core/config';

let s3: S3Client | undefined;

export function s3Client(config: Pick<Config, 's3ForcePathStyle'>): S3Client {
  s3 ??= new S3Client({
    forcePathStyle: config.s3ForcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}

/** Tests that change endpoints between cases drop the cached client. */
export function resetS3Client(): void {
  s3 = undefined;
}
