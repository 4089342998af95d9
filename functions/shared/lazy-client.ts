/**
 * The one way an AWS SDK client is built in a Lambda process: on first use, once, then reused (as at
 * module scope, but without constructing clients a handler never touches). Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so the local stack changes no code. Each service's
 * adapter module declares its client with `lazyClient`, so a Lambda bundles only the SDKs it uses.
 */
const resets: (() => void)[] = [];

export function lazyClient<T>(make: () => T): () => T {
  let client: T | undefined;
  resets.push(() => (client = undefined));
  return () => (client ??= make());
}

/** Tests that change endpoints or credentials between cases drop every cached client. */
export function resetAwsClients(): void {
  for (const reset of resets) reset();
}
