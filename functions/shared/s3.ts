/**
 * The one S3 client of a Lambda process, built on first use. It lives in its own module so only the
 * handlers that touch S3 bundle the S3 SDK (CheckAsset and the polling steps load ~130 KiB less).
 * Path-style addressing is a setting because local S3 servers cannot serve bucket subdomains.
 * Checksums only when required: newer SDKs add CRC headers, and an empty-body checksum to presigned
 * URLs, that real S3 and S3-compatible servers refuse.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig, type Config } from '../core/config';
import { lazyClient, SDK_CLIENT_OPTIONS } from './lazy-client';

const client = lazyClient(
  () =>
    new S3Client({
      ...SDK_CLIENT_OPTIONS,
      forcePathStyle: loadConfig().s3ForcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
);

/** The process's S3 client; path-style addressing comes from config (S3_FORCE_PATH_STYLE). */
export function s3Client(_config?: Pick<Config, 's3ForcePathStyle'>): S3Client {
  return client();
}

/** Tests that change endpoints between cases drop the cached clients. */
export { resetAwsClients as resetS3Client } from './lazy-client';
