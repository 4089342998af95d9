import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/core/config';
import { defaultProvider } from '../../functions/shared/lambda-credential-provider';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../functions/shared/no-event-streams';
import { BUNDLE_ALIASES, bundlingOptions } from '../../lib/constructs/handler-function';

const VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
afterEach(() => {
  for (const v of VARS)
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
});
const clear = (): void => {
  for (const v of VARS) delete process.env[v];
};

describe('the Lambda credential provider (alias of @aws-sdk/credential-provider-node)', () => {
  it('answers the role credentials Lambda puts in the environment', async () => {
    clear();
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-example';
    process.env.AWS_SESSION_TOKEN = 'token-example';
    const c = await defaultProvider()();
    expect(c).toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret-example',
      sessionToken: 'token-example',
    });
  });

  it('reads a container credentials endpoint when the environment has no keys', async () => {
    clear();
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          AccessKeyId: 'ASIAFROMHTTP',
          SecretAccessKey: 'from-http',
          Token: 'http-token',
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/creds`;
      const c = await defaultProvider()();
      expect(c.accessKeyId).toBe('ASIAFROMHTTP');
      expect(c.sessionToken).toBe('http-token');
    } finally {
      server.close();
    }
  });

  it('fails as the SDK chain does, with a CredentialsProviderError, when there are none', async () => {
    clear();
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});

describe('the event-stream stub (alias of @smithy/core/event-streams)', () => {
  it('lets a client resolve its config but refuses any event-stream use', () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    const marshaller = config.eventStreamMarshaller as { serialize: () => never };
    expect(() => marshaller.serialize()).toThrow(/event streams are not bundled/);
    expect(() => new EventStreamSerde()).toThrow(/event streams are not bundled/);
  });
});

describe('one copy of each SDK package', () => {
  it("s3-presigned-post uses the stack's own client-s3 (package.json overrides), not a nested older copy", () => {
    // Prepare
    const fromProject = createRequire(import.meta.url);
    const fromPresignedPost = createRequire(fromProject.resolve('@aws-sdk/s3-presigned-post'));
    // Act
    const theirs = fromPresignedPost.resolve('@aws-sdk/client-s3');
    // Assess
    expect(theirs).toBe(fromProject.resolve('@aws-sdk/client-s3'));
  });
});

describe('bundling options', () => {
  it('pass every alias to esbuild, each to a module that exists', () => {
    const args = bundlingOptions().esbuildArgs?.['--alias'];
    expect(args).toEqual(Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`));
    for (const to of Object.values(BUNDLE_ALIASES)) expect(existsSync(to)).toBe(true);
  });

  it('leave config parsing intact under zod/mini (limits named in English)', () => {
    expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: '5' })).toThrow(/UPSTREAM_TIMEOUT_MS: Too small/);
    expect(loadConfig({ S3_FORCE_PATH_STYLE: '1', VIDEO_POLL_FACTOR: '2' })).toMatchObject({
      s3ForcePathStyle: true,
      videoPollFactor: 2,
    });
  });
});
