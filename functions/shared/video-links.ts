/**
 * Presigned links to a saved video, in their own module so only GET /videos/{videoId} bundles the S3
 * presigner.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../core/config';
import type { VideoLinks, VideoResult } from '../core/video';
import { s3Client } from './s3';

/** Presigned GETs (config downloadUrlTtlSeconds) for the saved video and last frame. */
export async function presignVideoLinks(
  config: Pick<Config, 's3ForcePathStyle' | 'downloadUrlTtlSeconds'>,
  bucket: string,
  result: VideoResult,
  now = new Date(),
): Promise<VideoLinks> {
  const client = s3Client(config);
  const expiresIn = config.downloadUrlTtlSeconds;
  const sign = (key: string) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
  const links: VideoLinks = {
    videoUrl: await sign(result.video.key),
    expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
  };
  if (result.lastFrame) links.lastFrameUrl = await sign(result.lastFrame.key);
  return links;
}
