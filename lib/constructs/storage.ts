/**
 * The one private bucket (uploads, quarantine, videos) and the bucket its access logs go to.
 * Versioning stays off: every object is either a short-lived upload, a rejected file kept 7 days for
 * support, or a video whose source of truth is the upstream task; versions would only keep deleted
 * bytes around (and cost) past the lifecycle rules.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

import { PREFIX } from '../../functions/core/storage-layout';

export { PREFIX };

export interface StorageProps {
  videoRetentionDays: number;
  corsAllowedOrigins: string[];
}

export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it to itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Media', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'media/',
      cors: [
        {
          // Browsers POST the upload form straight to S3 (presigned POST); nothing else is cross-origin.
          allowedMethods: [s3.HttpMethods.POST],
          allowedOrigins: props.corsAllowedOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'expire-incoming', prefix: PREFIX.incoming, expiration: Duration.days(1) },
        // The pinned copies upstream downloads from, within the 15-minute ingest.
        { id: 'expire-validated', prefix: PREFIX.validated, expiration: Duration.days(1) },
        // Key→resource records; a signed request can be replayed for 15 minutes.
        { id: 'expire-idempotency', prefix: PREFIX.idempotency, expiration: Duration.days(1) },
        { id: 'expire-quarantine', prefix: PREFIX.quarantine, expiration: Duration.days(7) },
        {
          id: 'expire-videos',
          prefix: PREFIX.videos,
          expiration: Duration.days(props.videoRetentionDays),
        },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
