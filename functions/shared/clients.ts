/**
 * The two upstream clients as every Lambda builds them: endpoints, region, project and timeout from
 * config; credentials read from the cached secret on every call (not captured at construction), so a
 * rotated secret or a cache cleared after an auth error takes effect on the next call. getCredentials()
 * registers the values with the redactor; registering again here covers an injected getter.
 */
import { VideoClient } from '../core/ark';
import { loadConfig, type Config, type UpstreamCredentials } from '../core/config';
import type { FetchFn } from '../core/http';
import { registerSecret } from '../core/redact';
import { AssetsClient, type VolcCredentials } from '../core/volcengine';
import { getCredentials } from './credentials';

export interface ClientDeps {
  credentials?: () => Promise<UpstreamCredentials>;
  fetch?: FetchFn;
}

async function readCredentials(deps: ClientDeps): Promise<UpstreamCredentials> {
  const c = await (deps.credentials ?? getCredentials)();
  registerSecret(c.secretAccessKey, c.sessionToken, c.apiToken);
  return c;
}

export function assetsClient(config: Config = loadConfig(), deps: ClientDeps = {}): AssetsClient {
  return new AssetsClient({
    endpoint: config.volcEndpoint,
    region: config.volcRegion,
    projectName: config.projectName,
    timeoutMs: config.upstreamTimeoutMs,
    fetch: deps.fetch,
    credentials: async (): Promise<VolcCredentials> => {
      const c = await readCredentials(deps);
      return c.sessionToken
        ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }
        : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    },
  });
}

export function videoClient(config: Config = loadConfig(), deps: ClientDeps = {}): VideoClient {
  return new VideoClient({
    baseUrl: config.seedanceApiBase,
    timeoutMs: config.upstreamTimeoutMs,
    fetch: deps.fetch,
    apiToken: async () => (await readCredentials(deps)).apiToken,
  });
}
