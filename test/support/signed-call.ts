// A SigV4-signed JSON call to a local stack's API, as any client makes it.
import { createSigner } from '../../cli/signing';

export interface SignedAnswer {
  status: number;
  json: unknown;
}

export function signedCaller(
  apiUrl: () => string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): (method: string, path: string, body?: unknown) => Promise<SignedAnswer> {
  const sign = createSigner({ credentials, region: 'us-east-1' });
  return async (method, path, body) => {
    const url = new URL(path, apiUrl());
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
    const res = await fetch(url, {
      method,
      headers: await sign({ method, url, headers, ...(text === undefined ? {} : { body: text }) }),
      ...(text === undefined ? {} : { body: text }),
    });
    const raw = await res.text();
    return { status: res.status, json: raw ? (JSON.parse(raw) as unknown) : undefined };
  };
}
