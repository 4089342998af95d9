import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIM_DEFAULT_CREDENTIALS } from '../../local/upstream-sim';
import { logger } from '../../functions/shared/logger';
import { createSettledAsset, startHarness, startImageServer, type Harness } from './groups-harness';
import type { ParsedResult } from './api-event';

/** Everything a run writes: the logger's sink plus anything that bypasses it (console, stdout, stderr). */
const captured: string[] = [];
const answers: ParsedResult[] = [];
let h: Harness;
let image: Awaited<ReturnType<typeof startImageServer>>;

const FORBIDDEN: Array<[string, RegExp]> = [
  ['secret access key', new RegExp(SIM_DEFAULT_CREDENTIALS.secretAccessKey.replace(/[+/=]/g, '\\$&'))],
  ['API token', new RegExp(SIM_DEFAULT_CREDENTIALS.apiToken)],
  ['S3 presigned signature', /X-Amz-Signature=(?!\[redacted\])/i],
  ['upstream link signature', /X-Signature=/i],
  ['link expiry query', /X-Expires=/i],
  ['an injected URL secret', /leakysig|hunter2-token/],
  ['Authorization header', /HMAC-SHA256 Credential|Authorization"?\s*:/i],
  ['bearer token', /Bearer\s+(?!\[redacted\])\S+/i],
];

beforeAll(async () => {
  logger.setSink((line) => captured.push(line));
  logger.setLevel('debug');
  const keep = (chunk: unknown) => {
    captured.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, m).mockImplementation(
      (...args: unknown[]) => void captured.push(args.map(String).join(' ')),
    );

  h = await startHarness();
  image = await startImageServer();

  const record = async (p: Promise<ParsedResult>) => answers.push(await p);
  // Every route, success and failure, including upstream errors whose messages carry URLs and secrets.
  await record(h.call('createGroup', { method: 'POST', body: { name: 'Logged', description: 'd' } }));
  const groupId = (answers[0]?.body as { groupId: string }).groupId;
  const assetId = await createSettledAsset(h, groupId, image.url);
  await record(h.call('createGroup', { method: 'POST', body: '{"broken' }));
  await record(h.call('listGroups', { query: { pageSize: '5' } }));
  await record(h.call('getGroup', { pathParameters: { groupId } }));
  await record(h.call('listGroupAssets', { pathParameters: { groupId } }));
  await record(h.call('adoptAsset', { method: 'POST', body: { assetId } }));
  await record(h.call('getAsset', { pathParameters: { assetId } }));
  h.sim.control.setFaults([
    {
      action: 'GetAsset',
      rate: 1,
      count: 1,
      kind: 'error',
      status: 400,
      code: 'InvalidParameter',
      message: `bad https://tos.example.com/a.png?X-Amz-Signature=leakysig and ${SIM_DEFAULT_CREDENTIALS.secretAccessKey}`,
    },
    {
      action: 'ListAssetGroups',
      rate: 1,
      count: 1,
      kind: 'error',
      status: 500,
      code: 'InternalError',
      message: 'token Bearer hunter2-token rejected',
    },
  ]);
  await record(h.call('getAsset', { pathParameters: { assetId } }));
  await record(h.call('listGroups'));
  await record(h.call('deleteAsset', { method: 'DELETE', pathParameters: { assetId } }));
  await record(h.call('deleteGroup', { method: 'DELETE', pathParameters: { groupId } }));
  await record(h.call('getGroup', { pathParameters: { groupId } }));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await image.close();
  await h.close();
});

describe('logs and answers of a full run', () => {
  it('captured one request line per call, each with a request ID', () => {
    // Prepare
    const lines = captured.flatMap((c) => c.split('\n')).filter((l) => l.includes('"message":"request"'));
    // Act
    const parsed = lines.map((l) => JSON.parse(l) as { requestId?: string; status?: number });
    // Assess
    expect(parsed).toHaveLength(answers.length);
    expect(parsed.every((p) => typeof p.requestId === 'string' && p.requestId.length > 0)).toBe(true);
  });

  it('exercised failures as well as successes', () => {
    // Prepare
    const statuses = answers.map((a) => a.status);
    // Act
    const kinds = new Set(statuses.map((s) => Math.floor(s / 100)));
    // Assess
    expect(kinds).toEqual(new Set([2, 4, 5]));
  });

  it('did carry the injected upstream messages, redacted', () => {
    // Prepare
    const text = captured.join('\n') + JSON.stringify(answers);
    // Act
    const mentions = text.match(/tos\.example\.com\/a\.png\?\[redacted\]/g) ?? [];
    // Assess
    expect(mentions.length).toBeGreaterThan(0);
    expect(text).toContain('token Bearer [redacted]');
  });

  it.each(FORBIDDEN)('never writes a %s to the logs', (_what, pattern) => {
    // Prepare
    const text = captured.join('\n');
    // Act
    const found = pattern.exec(text);
    // Assess
    expect(found?.[0]).toBeUndefined();
  });

  it.each(FORBIDDEN)('never answers a %s to the caller', (_what, pattern) => {
    // Prepare
    const text = JSON.stringify(answers);
    // Act
    const found = pattern.exec(text);
    // Assess
    expect(found?.[0]).toBeUndefined();
  });
});
