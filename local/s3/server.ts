/**
 * Local S3: s3rver on loopback, with our buckets (CORS open for browser uploads with presigned POST)
 * and its object events forwarded, behind a verifying front (front.ts). s3rver checks that an access
 * key exists but verifies neither POST policies nor conditional reads and copies; the front does, with
 * S3's error codes, so a forged key, an oversized, retyped or expired form, or a bad policy signature
 * is refused locally as in AWS. The keys the handlers sign with are registered in both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import { startS3Front } from './front';

export const CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface LocalS3Options {
  buckets: string[];
  /** Keys that may sign requests (the handlers' AWS credentials). */
  credentials: { accessKeyId: string; secretAccessKey: string }[];
  host?: string;
  port?: number;
  /** Data directory; a fresh temporary one (removed on close) by default. */
  directory?: string;
  /** Every object event, in s3rver's S3-notification shape. */
  onEvent?: (event: unknown) => void;
}

export interface LocalS3 {
  /** Path-style endpoint, e.g. http://127.0.0.1:4568 (an IP endpoint makes the SDK use path style). */
  url: string;
  port: number;
  /** The data folder when this server made it (and removes it on close). */
  ownDirectory?: string;
  close(): Promise<void>;
}

export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  for (const c of opts.credentials) AWSAccount.DUMMY_ACCOUNT.createKeyPair(c.accessKeyId, c.secretAccessKey);
  const ownDir = opts.directory === undefined;
  const directory = opts.directory ?? (await mkdtemp(join(tmpdir(), 'seedance-s3-')));
  const host = opts.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: 0,
    silent: true,
    directory,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [CORS_XML] })),
  });
  if (opts.onEvent) server.on('event', opts.onEvent);
  const address = await server.run();
  const closeBackend = async () => {
    server.httpServer?.closeAllConnections();
    await server.close();
  };
  const removeDir = () => (ownDir ? rm(directory, { recursive: true, force: true }) : Promise.resolve());
  const front = await startS3Front({
    backend: `http://${host}:${address.port}`,
    credentials: opts.credentials,
    host,
    port: opts.port ?? 0,
  }).catch(async (e: unknown) => {
    await closeBackend();
    await removeDir();
    throw e;
  });
  return {
    url: front.url,
    port: front.port,
    ...(ownDir ? { ownDirectory: directory } : {}),
    close: async () => {
      // The folder goes whatever fails before it: it holds every uploaded file.
      try {
        await front.close();
        await closeBackend();
      } finally {
        await removeDir();
      }
    },
  };
}
