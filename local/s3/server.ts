/**
 * Local S3: s3rver on loopback, with our buckets (CORS open for browser uploads with presigned POST)
 * and its object events forwarded. s3rver checks that an access key exists but verifies neither V4
 * signatures nor POST policies, so the keys the handlers sign with are registered here, and the
 * policy conditions are covered by unit tests of the policy builder instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';

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
  close(): Promise<void>;
}

export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  for (const c of opts.credentials) AWSAccount.DUMMY_ACCOUNT.createKeyPair(c.accessKeyId, c.secretAccessKey);
  const ownDir = opts.directory === undefined;
  const directory = opts.directory ?? (await mkdtemp(join(tmpdir(), 'seedance-s3-')));
  const host = opts.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: opts.port ?? 0,
    silent: true,
    directory,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [CORS_XML] })),
  });
  if (opts.onEvent) server.on('event', opts.onEvent);
  const address = await server.run();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      if (ownDir) await rm(directory, { recursive: true, force: true });
    },
  };
}
