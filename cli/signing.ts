/**
 * SigV4 for the REST API (service `execute-api`), with the SDK's own signer so the CLI signs exactly
 * like `curl --aws-sigv4` and every AWS tool; only the request plumbing around it is ours.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type CredentialSource = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface SignerOptions {
  credentials: CredentialSource;
  region: string;
  service?: string;
}

export type RequestSigner = (req: SignInput, signingDate?: Date) => Promise<Record<string, string>>;

/** Returns the headers to send: the given ones plus `authorization`, `x-amz-date` (and the session token). */
export function createSigner(opts: SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: opts.service ?? 'execute-api',
    sha256: Sha256,
    // API Gateway needs no x-amz-content-sha256 (curl --aws-sigv4 sends none either); the body hash is
    // still part of the canonical request.
    applyChecksum: false,
  });
  return async (req, signingDate) => {
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of req.url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signed = await signer.sign(
      {
        method: req.method,
        protocol: req.url.protocol,
        hostname: req.url.hostname,
        port: req.url.port === '' ? undefined : Number(req.url.port),
        path: req.url.pathname,
        query,
        // `host` carries the port, as the receiving side (API Gateway or the local stack) sees it.
        headers: { ...req.headers, host: req.url.host },
        body: req.body,
      },
      signingDate === undefined ? undefined : { signingDate },
    );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) {
      // fetch sets Host itself from the URL; passing it would be refused or duplicated.
      if (k.toLowerCase() !== 'host') out[k.toLowerCase()] = v;
    }
    return out;
  };
}
