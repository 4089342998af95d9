/**
 * One AWS JSON protocol call over `fetch`: the transport of the stack's own DynamoDB and Secrets
 * Manager clients (dynamo-document-client.ts, secrets-manager.ts).
 *
 * Why not the SDK's clients: each brings the SDK's generic machinery into every Lambda that uses it
 * (schema serde and every protocol of @smithy/core, the endpoint rule engine, the retry and checksum
 * middleware: about 140 KiB of a 290 KiB handler and most of its module initialisation) to send a POST
 * with a JSON body. What is hard to get right stays the SDK's own: requests are signed by
 * `@smithy/signature-v4` (request-signer.ts) with credentials from the SDK's provider chain. What is
 * written here is the wire format (documented and small) and the SDK's standard retry policy: 3
 * attempts, throttling and transient errors (5xx, timeouts, no answer) retried with full-jitter backoff
 * from 100 ms (500 ms for throttling), capped at 20 s. test/unit/dynamo-document-client.test.ts and
 * test/unit/secrets-manager.test.ts hold the clients to the SDK's on the same local engines.
 *
 * Endpoint: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the regional endpoint (as the SDK,
 * China regions included; FIPS, dual-stack and the isolated partitions' endpoints are not offered).
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createSigner, type RequestSigner } from './request-signer';

export interface AwsJsonService {
  /** SigV4 signing name and the endpoint's host prefix: `dynamodb`, `secretsmanager`. */
  signingName: string;
  /** `X-Amz-Target` prefix: `DynamoDB_20120810`, `secretsmanager`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** The `AWS_ENDPOINT_URL_<suffix>` variable the SDK reads for this service. */
  endpointVariable: string;
}

/** A service's answer to a refused call, under its error code (`ConditionalCheckFailedException`, …). */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  constructor(
    name: string,
    message: string,
    readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts: number },
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = name;
    this.$fault = ($metadata.httpStatusCode ?? 500) >= 500 ? 'server' : 'client';
    Object.assign(this, extra);
  }
}

/** A request that got no answer (reset, refused, cut short): retried as the SDK retries network errors. */
class NetworkError extends Error {
  override readonly name = 'NetworkingError';
  readonly $metadata: { attempts: number };
  constructor(cause: unknown, attempts: number) {
    const reason =
      cause instanceof Error
        ? cause.cause instanceof Error
          ? cause.cause.message
          : cause.message
        : String(cause);
    super(`request failed: ${reason}`);
    this.$metadata = { attempts };
  }
}

/** The SDK's throttling codes (@smithy/service-error-classification), all retried with the longer base. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

const MAX_DELAY_MS = 20_000;
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;

export type Wire = Record<string, unknown>;

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → the code after `#` (and before `:`). */
const errorCode = (type: string): string => type.slice(type.lastIndexOf('#') + 1).split(':')[0] ?? '';

function serviceError(
  status: number,
  text: string,
  requestId: string | undefined,
  attempts: number,
  typeHeader: string | null,
) {
  let body: Wire = {};
  try {
    body = JSON.parse(text) as Wire;
  } catch {
    // A proxy's HTML page or an empty body: the status alone names the error.
  }
  const type = typeHeader ?? (typeof body.__type === 'string' ? body.__type : '');
  const name = errorCode(type) || (status >= 500 ? 'InternalServerError' : `HTTP${status}`);
  const message = String(body.message ?? body.Message ?? `answered ${status}`);
  const { __type: _t, message: _m, Message: _M, ...rest } = body;
  return new AwsServiceError(name, message, { httpStatusCode: status, requestId, attempts }, rest);
}

/** The regional endpoint, in the China partition's domain for cn- regions (as the SDK's partitions). */
export const regionalEndpoint = (service: AwsJsonService, region: string): string =>
  `https://${service.signingName}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;

export interface AwsJsonClientOptions {
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
  /** Waits between attempts (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Keeps the chain's answer until five minutes before it expires (the SDK's memoization rule). */
function memoized(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let held: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (held) {
      const c = await held.catch(() => undefined);
      if (c && (c.expiration === undefined || c.expiration.getTime() - Date.now() > 300_000)) return c;
    }
    held = provider();
    return held;
  };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Answer = Wire & { $metadata: { httpStatusCode: number; requestId?: string; attempts: number } };

export class AwsJsonClient {
  private readonly url: URL;
  private readonly sign: RequestSigner;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly service: AwsJsonService,
    options: AwsJsonClientOptions = {},
  ) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`${service.signingName} client: no region (AWS_REGION is not set)`);
    const endpoint =
      options.endpoint ??
      process.env[`AWS_ENDPOINT_URL_${service.endpointVariable}`] ??
      process.env.AWS_ENDPOINT_URL ??
      regionalEndpoint(service, region);
    this.url = new URL(endpoint);
    const credentials = options.credentials ?? memoized(fromNodeProviderChain());
    this.sign = createSigner({ credentials, region, service: service.signingName });
    this.maxAttempts = options.maxAttempts ?? 3;
    this.sleep = options.sleep ?? pause;
    this.random = options.random ?? Math.random;
  }

  /** Sends `operation` with its wire input; body is serialised with `replacer` (binary as base64). */
  async call(
    operation: string,
    input: Wire,
    replacer?: (this: unknown, key: string, value: unknown) => unknown,
  ): Promise<Answer> {
    const body = JSON.stringify(input, replacer);
    const headers = {
      'content-type': `application/x-amz-json-${this.service.jsonVersion}`,
      'x-amz-target': `${this.service.targetPrefix}.${operation}`,
    };
    for (let attempt = 1; ; attempt++) {
      // Signed per attempt: x-amz-date must be fresh, as the SDK signs each retry anew.
      const signed = await this.sign({ method: 'POST', url: this.url, headers, body });
      const outcome = await this.post(signed, body, attempt);
      if ('output' in outcome) return outcome.output;
      if (attempt >= this.maxAttempts) throw outcome.error;
      const base = outcome.throttled ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
      await this.sleep(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
    }
  }

  /** One attempt: the output, or an error worth retrying; anything else is thrown. */
  private async post(
    headers: Record<string, string>,
    body: string,
    attempt: number,
  ): Promise<{ output: Answer } | { error: Error; throttled: boolean }> {
    let status: number;
    let text: string;
    let requestId: string | undefined;
    let typeHeader: string | null;
    try {
      const res = await fetch(this.url, { method: 'POST', headers, body });
      text = await res.text();
      status = res.status;
      requestId = res.headers.get('x-amzn-requestid') ?? undefined;
      typeHeader = res.headers.get('x-amzn-errortype');
    } catch (e) {
      // fetch rejects only when no (whole) answer came: reset, refused, cut short.
      return { error: new NetworkError(e, attempt), throttled: false };
    }
    if (status >= 200 && status < 300) {
      const out = text ? (JSON.parse(text) as Wire) : {};
      return { output: { ...out, $metadata: { httpStatusCode: status, requestId, attempts: attempt } } };
    }
    const error = serviceError(status, text, requestId, attempt, typeHeader);
    const throttled = THROTTLING.has(error.name) || status === 429;
    if (throttled || TRANSIENT_NAMES.has(error.name) || TRANSIENT_STATUS.has(status))
      return { error, throttled };
    throw error;
  }
}
