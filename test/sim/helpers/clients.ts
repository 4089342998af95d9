/**
 * Test-side callers of the simulator. Volcengine requests are signed with the official
 * `@volcengine/openapi` Signer (the oracle, independent of both the simulator's verifier and our client)
 * and sent with node:http so a test can send any Host header and tamper with anything after signing.
 */
import { request } from 'node:http';
import { Signer } from '@volcengine/openapi';
import { SIM_DEFAULT_CREDENTIALS, type Simulator } from '../../../local/upstream-sim/index';

/** The body of the smallest valid List call: upstream requires Filter.GroupType. */
export const LIST_AIGC: Readonly<Record<string, unknown>> = Object.freeze({ Filter: { GroupType: 'AIGC' } });

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => unknown;
}

export interface VolcCallOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  date?: Date;
  version?: string;
  /** Sign without a Host header (the Signer then leaves `host` out of SignedHeaders). */
  omitHost?: boolean;
  /** Sign and send this exact body instead of the JSON of `body`. */
  rawBody?: string;
  /** Change headers, body or query after signing. */
  tamper?: (r: { headers: Record<string, string>; body: string; query: string }) => void;
}

export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')) as unknown,
        });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface VolcAnswer {
  status: number;
  body: {
    ResponseMetadata: {
      RequestId: string;
      Action: string;
      Version: string;
      Service: string;
      Region: string;
      Error?: { Code: string; CodeN?: number; Message: string };
    };
    Result?: Record<string, unknown> & { Id?: string };
  };
  headers: RawResponse['headers'];
}

export async function volcCall(
  sim: Pick<Simulator, 'url'>,
  action: string,
  body: Record<string, unknown> = {},
  o: VolcCallOptions = {},
): Promise<VolcAnswer> {
  const host = new URL(sim.url).host;
  const params = { Action: action, Version: o.version ?? '2024-01-01' };
  const bodyStr = o.rawBody ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (!o.omitHost) headers.Host = host;
  const signer = new Signer(
    { region: o.region ?? 'cn-beijing', method: 'POST', pathname: '/', params, headers, body: bodyStr },
    o.service ?? 'ark',
  );
  signer.addAuthorization(
    {
      accessKeyId: o.accessKeyId ?? SIM_DEFAULT_CREDENTIALS.accessKeyId,
      secretKey: o.secretAccessKey ?? SIM_DEFAULT_CREDENTIALS.secretAccessKey,
      sessionToken: o.sessionToken,
    },
    o.date,
  );
  const sent = {
    headers: { ...(signer.request.headers as Record<string, string>) },
    body: bodyStr,
    query: new URLSearchParams(params).toString(),
  };
  o.tamper?.(sent);
  const res = await rawRequest(`${sim.url}/?${sent.query}`, {
    method: 'POST',
    headers: sent.headers,
    body: sent.body,
  });
  return { status: res.status, body: res.json() as VolcAnswer['body'], headers: res.headers };
}

/** Calls an action that must succeed and returns its Result. */
export async function volcOk(
  sim: Pick<Simulator, 'url'>,
  action: string,
  body: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { Id?: string }> {
  const r = await volcCall(sim, action, body);
  if (r.status !== 200 || !r.body.Result)
    throw new Error(`${action} answered ${r.status}: ${JSON.stringify(r.body.ResponseMetadata.Error)}`);
  return r.body.Result;
}

export interface ArkAnswer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; param?: string; type?: string };
  };
}

export async function arkCall(
  sim: Pick<Simulator, 'url'>,
  method: string,
  path: string,
  body?: unknown,
  o: { token?: string | null; prefix?: string } = {},
): Promise<ArkAnswer> {
  const token = o.token === undefined ? SIM_DEFAULT_CREDENTIALS.apiToken : o.token;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'accept-encoding': 'identity',
  };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${sim.url}${o.prefix ?? '/seedance'}/api/v3/contents/generations/tasks${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ArkAnswer['body'] };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a value or the deadline passes. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(everyMs);
  }
}

/** Polls GetAsset until the asset leaves Processing; returns the final asset. */
export function settledAsset(
  sim: Pick<Simulator, 'url'>,
  id: string,
  project?: string,
): Promise<Record<string, unknown>> {
  return until(async () => {
    const a = await volcOk(sim, 'GetAsset', { Id: id, ...(project ? { ProjectName: project } : {}) });
    return a.Status === 'Processing' ? undefined : a;
  });
}
