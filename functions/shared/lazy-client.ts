/**
 * The one way an AWS SDK client is built in a Lambda process: on first use, once, then reused (as at
 * module scope, but without constructing clients a handler never touches). Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so the local stack changes no code. Each service's
 * adapter module declares its client with `lazyClient`, so a Lambda bundles only the SDKs it uses.
 */
const resets: (() => void)[] = [];

/**
 * Options every SDK client is built with. A Lambda process serves one invocation at a time, so the
 * SDK's default pool of 50 sockets per client is never reached there; the local stack runs every
 * invocation in one process, where 300 jobs at once queued 150–280 requests behind those 50 sockets and
 * learned their budget index seconds late (the cloud's are milliseconds). A larger pool costs nothing in
 * Lambda and makes the local stack wait where the cloud would: in the service, not in the client.
 */
export const SDK_CLIENT_OPTIONS = {
  requestHandler: { httpAgent: { maxSockets: 1024 }, httpsAgent: { maxSockets: 1024 } },
} as const;

export function lazyClient<T>(make: () => T): () => T {
  let client: T | undefined;
  resets.push(() => (client = undefined));
  return () => (client ??= make());
}

/** Tests that change endpoints or credentials between cases drop every cached client. */
export function resetAwsClients(): void {
  for (const reset of resets) reset();
}
