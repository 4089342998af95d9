/**
 * The state table's client: the five DynamoDB calls the stores make (GetItem, PutItem, UpdateItem,
 * DeleteItem, Query) as AWS JSON 1.0 over `fetch`, with the document client's conversions.
 *
 * Why not `@aws-sdk/lib-dynamodb` over `@aws-sdk/client-dynamodb`: that pair brings the SDK's generic
 * machinery into every Lambda that reads the table (schema serde and every protocol of @smithy/core,
 * the endpoint rule engine, the retry and checksum middleware: about 190 KiB of a 310 KiB bundle and
 * most of its module initialisation) to send five kinds of POST with a JSON body. What is hard to get
 * right is still the SDK's own: requests are signed by `@smithy/signature-v4` (request-signer.ts),
 * items converted by `@aws-sdk/util-dynamodb` (the marshaller lib-dynamodb itself uses, with the same
 * options), credentials come from the SDK's provider chain. What is written here is the wire format
 * (documented and small), and the SDK's standard retry policy: 3 attempts, throttling and transient
 * errors retried with full-jitter backoff (100 ms base, 500 ms for throttling, capped at 20 s).
 * test/shared/dynamo-document-client.test.ts holds it to the SDK's document client on dynalite: the same
 * inputs give the same outputs and the same error names.
 *
 * Endpoint: AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else the regional endpoint (as the SDK).
 */
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createSigner, type RequestSigner } from './request-signer';

export type {
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

type Operation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

/** A call and its input in the document client's shapes (plain JS values, not AttributeValues). */
export abstract class DocumentCommand<I extends object, O extends object> {
  abstract readonly operation: Operation;
  /** Only carries the output type to `send`. */
  declare readonly output?: O;
  constructor(readonly input: I) {}
}
export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
}

/** DynamoDB's answer to a refused call, under its error code (`ConditionalCheckFailedException`, …). */
export class DynamoDBServiceError extends Error {
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

/** The document client's conversions, as the stack configures lib-dynamodb. */
const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;
const MARSHALLED_INPUTS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const UNMARSHALLED_OUTPUTS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

type Wire = Record<string, unknown>;

function marshallInput(input: object): Wire {
  const out: Wire = { ...input };
  for (const key of MARSHALLED_INPUTS) {
    const value = out[key];
    if (value !== undefined) out[key] = marshall(value as Record<string, NativeAttributeValue>, MARSHALL);
  }
  return out;
}

/** Binary attributes travel as base64 (the JSON protocol); marshall gives them as Uint8Array. */
function encodeBinary(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : value;
}

function decodeBinary(av: Wire): AttributeValue {
  if (typeof av.B === 'string') return { B: new Uint8Array(Buffer.from(av.B, 'base64')) };
  if (Array.isArray(av.BS)) return { BS: av.BS.map((b: string) => new Uint8Array(Buffer.from(b, 'base64'))) };
  if (Array.isArray(av.L)) return { L: av.L.map((v: Wire) => decodeBinary(v)) };
  if (av.M && typeof av.M === 'object') return { M: decodeMap(av.M as Record<string, Wire>) };
  return av as unknown as AttributeValue;
}

function decodeMap(map: Record<string, Wire>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(map)) out[k] = decodeBinary(v);
  return out;
}

const native = (map: unknown) => unmarshall(decodeMap(map as Record<string, Wire>));

function unmarshallOutput(body: Wire): Wire {
  const out: Wire = { ...body };
  for (const key of UNMARSHALLED_OUTPUTS) if (out[key] !== undefined) out[key] = native(out[key]);
  if (Array.isArray(out.Items)) out.Items = out.Items.map(native);
  return out;
}

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
  const message = String(body.message ?? body.Message ?? `DynamoDB answered ${status}`);
  const { __type: _t, message: _m, Message: _M, ...rest } = body;
  if (rest.Item) rest.Item = native(rest.Item);
  return new DynamoDBServiceError(name, message, { httpStatusCode: status, requestId, attempts }, rest);
}

/** A request that got no answer (reset, refused, cut short): retried as the SDK retries network errors. */
class NetworkError extends Error {
  override readonly name = 'NetworkingError';
  readonly $metadata: { attempts: number };
  constructor(cause: unknown, attempts: number) {
    super(
      `DynamoDB request failed: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    );
    this.$metadata = { attempts };
  }
}

export interface DocumentClientOptions {
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

export class DocumentClient {
  private readonly url: URL;
  private readonly sign: RequestSigner;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: DocumentClientOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('DynamoDB client: no region (AWS_REGION is not set)');
    const endpoint =
      options.endpoint ??
      process.env.AWS_ENDPOINT_URL_DYNAMODB ??
      process.env.AWS_ENDPOINT_URL ??
      `https://dynamodb.${region}.amazonaws.com`;
    this.url = new URL(endpoint);
    const credentials = options.credentials ?? memoized(fromNodeProviderChain());
    this.sign = createSigner({ credentials, region, service: 'dynamodb' });
    this.maxAttempts = options.maxAttempts ?? 3;
    this.sleep = options.sleep ?? pause;
    this.random = options.random ?? Math.random;
  }

  async send<I extends object, O extends object>(command: DocumentCommand<I, O>): Promise<O> {
    const body = JSON.stringify(marshallInput(command.input), encodeBinary);
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${command.operation}`,
    };
    for (let attempt = 1; ; attempt++) {
      // Signed per attempt: x-amz-date must be fresh, as the SDK signs each retry anew.
      const signed = await this.sign({ method: 'POST', url: this.url, headers, body });
      const outcome = await this.post(signed, body, attempt);
      if ('output' in outcome) return outcome.output as O;
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
  ): Promise<{ output: Wire } | { error: Error; throttled: boolean }> {
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
      const out = unmarshallOutput(text ? (JSON.parse(text) as Wire) : {});
      return { output: { ...out, $metadata: { httpStatusCode: status, requestId, attempts: attempt } } };
    }
    const error = serviceError(status, text, requestId, attempt, typeHeader);
    const throttled = THROTTLING.has(error.name) || status === 429;
    if (throttled || TRANSIENT_NAMES.has(error.name) || TRANSIENT_STATUS.has(status))
      return { error, throttled };
    throw error;
  }
}
