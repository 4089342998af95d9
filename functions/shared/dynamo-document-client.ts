/**
 * The state table's client: the five DynamoDB calls the stores make (GetItem, PutItem, UpdateItem,
 * DeleteItem, Query) with the document client's conversions, over the stack's AWS JSON transport
 * (aws-json-client.ts, whose header says why not the SDK's client).
 *
 * Items are converted by `@aws-sdk/util-dynamodb`, the marshaller lib-dynamodb itself uses, with the
 * options the stack gave lib-dynamodb; the input and output types are lib-dynamodb's.
 * test/unit/dynamo-document-client.test.ts holds it to the SDK's document client on dynalite: the same
 * inputs give the same outputs and the same error names.
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
import { AwsJsonClient, AwsServiceError, type AwsJsonClientOptions, type Wire } from './aws-json-client';

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

/** The document client's conversions, as the stack configures lib-dynamodb. */
const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;
const MARSHALLED_INPUTS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const UNMARSHALLED_OUTPUTS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

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

const DYNAMODB = {
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  endpointVariable: 'DYNAMODB',
} as const;

export type DocumentClientOptions = AwsJsonClientOptions;

export class DocumentClient {
  private readonly transport: AwsJsonClient;

  constructor(options: DocumentClientOptions = {}) {
    this.transport = new AwsJsonClient(DYNAMODB, options);
  }

  async send<I extends object, O extends object>(command: DocumentCommand<I, O>): Promise<O> {
    try {
      const answer = await this.transport.call(command.operation, marshallInput(command.input), encodeBinary);
      return unmarshallOutput(answer) as O;
    } catch (e) {
      // A refused condition may carry the item (ReturnValuesOnConditionCheckFailure), in wire form.
      if (e instanceof AwsServiceError && 'Item' in e) Object.assign(e, { Item: native(e.Item) });
      throw e;
    }
  }
}
