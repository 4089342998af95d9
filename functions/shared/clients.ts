/**
 * The two upstream clients as every Lambda builds them: endpoints, region, project and timeout from
 * config; credentials read from the cached secret on every call (not captured at construction), so a
 * rotated secret or a cache cleared after an auth error takes effect on the next call. getCredentials()
 * registers the values with the redactor; registering again here covers an injected getter.
 * Each client counts its calls and its throttled answers by upstream action (metrics `UpstreamCalls`,
 * `UpstreamThrottles`): throttling is decided once, by code, where the UpstreamError is built
 * (functions/core/throttling.ts), and read here off the error, for every caller at once.
 */
import { VideoClient } from '../core/ark';
import { loadConfig, type Config, type UpstreamCredentials } from '../core/config';
import { isUpstreamError } from '../core/errors';
import type { FetchFn } from '../core/http';
import { point, type MetricsPort } from '../core/metrics/catalogue';
import { registerSecret } from '../core/redact';
import { AssetsClient, type VolcCredentials } from '../core/volcengine';
import { getCredentials } from './credentials';
import { metrics as defaultMetrics } from './metrics';

export interface ClientDeps {
  credentials?: () => Promise<UpstreamCredentials>;
  fetch?: FetchFn;
  metrics?: MetricsPort;
}

/** `createAsset` → `CreateAsset`: the action a client method stands for. */
const actionOf = (method: string): string => method.charAt(0).toUpperCase() + method.slice(1);

/**
 * The client with every async method counted: one call per invocation, one throttle per UpstreamError
 * that says so (its own operation name when it has one). Results and errors pass through unchanged.
 */
export function countedClient<T extends object>(client: T, port: MetricsPort = defaultMetrics): T {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || key === 'constructor') return value;
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(out instanceof Promise)) return out;
        const operation = actionOf(key);
        port.emit([point('upstreamCalls', 1, { operation })]);
        return out.catch((e: unknown) => {
          if (isUpstreamError(e) && e.throttled)
            port.emit([point('upstreamThrottles', 1, { operation: e.operation ?? operation })]);
          throw e;
        });
      };
    },
  });
}

async function readCredentials(deps: ClientDeps): Promise<UpstreamCredentials> {
  const c = await (deps.credentials ?? getCredentials)();
  registerSecret(c.secretAccessKey, c.sessionToken, c.apiToken);
  return c;
}

export function assetsClient(config: Config = loadConfig(), deps: ClientDeps = {}): AssetsClient {
  const client = new AssetsClient({
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
  return countedClient(client, deps.metrics);
}

export function videoClient(config: Config = loadConfig(), deps: ClientDeps = {}): VideoClient {
  const client = new VideoClient({
    baseUrl: config.seedanceApiBase,
    timeoutMs: config.upstreamTimeoutMs,
    fetch: deps.fetch,
    apiToken: async () => (await readCredentials(deps)).apiToken,
  });
  return countedClient(client, deps.metrics);
}
