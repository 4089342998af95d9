/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (an esbuild alias in
 * lib/constructs/handler-function.ts). Every SDK client's protocol loads the event-stream codec on
 * demand, for operations such as S3 SelectObjectContent; none of the calls this stack makes (DynamoDB,
 * EventBridge, S3 objects, Secrets Manager, Step Functions) streams events, so the 15 KiB codec is
 * left out and a call that needed it fails loudly instead of silently. The S3 client resolves a
 * marshaller at construction, so the provider answers one whose every method throws.
 */
const unused = (): never => {
  throw new Error('event streams are not bundled: no call of this stack uses an event-stream operation');
};

export class EventStreamSerde {
  constructor() {
    unused();
  }
}

export const eventStreamSerdeProvider = (): { serialize: () => never; deserialize: () => never } => ({
  serialize: unused,
  deserialize: unused,
});

/** As the SDK's: the marshaller comes from the client config's provider. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
