import { Signer } from '@volcengine/openapi';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  formatXDate,
  sha256Hex,
  signRequest,
  signRequestParts,
  uriEncode,
  type SignRequestInput,
} from '../../functions/core/volcengine/signer';
import { prng } from '../support/prng';

const GOLDEN_BODY = '{"Name":"demo","GroupType":"AIGC","ProjectName":"default"}';

function golden(host: string, signedHeaders?: string[]): SignRequestInput {
  return {
    method: 'POST',
    path: '/',
    query: { Action: 'CreateAssetGroup', Version: '2024-01-01' },
    headers: { 'Content-Type': 'application/json', Host: host },
    body: GOLDEN_BODY,
    credentials: { accessKeyId: 'AKLTDEMO', secretAccessKey: 'SECDEMO' },
    region: 'cn-beijing',
    service: 'ark',
    date: new Date('2026-04-21T12:00:00Z'),
    signedHeaders,
  };
}

describe('signer golden vectors (UPSTREAM.md)', () => {
  it.each([
    [
      'ark.cn-beijing.volcengineapi.com',
      undefined,
      'content-type;host;x-content-sha256;x-date',
      '84ccf7dcb4332c72bd124824adaefa8f0410e8f1b78acbc779f7c8cf451128d6',
    ],
    [
      'ark.cn-beijing.volcengineapi.com',
      ['host', 'x-content-sha256', 'x-date'],
      'host;x-content-sha256;x-date',
      '157f75c74a9fb7d5da9f062578381e5af7735dfecdfcd1af89231193ad5a278a',
    ],
    [
      'open.volcengineapi.com',
      undefined,
      'content-type;host;x-content-sha256;x-date',
      '20743ae7b3ae5f2191eaac89b0b7b1e5da5e857f000b74afdc9dc04e33b37297',
    ],
  ])('host %s signing %s', (host, signed, signedList, signature) => {
    // Prepare
    const input = golden(host, signed);

    // Act
    const headers = signRequest(input);

    // Assess
    expect(headers['X-Date']).toBe('20260421T120000Z');
    expect(headers['X-Content-Sha256']).toBe(
      'e0ca5950705b90ae5426571876467fcc3e47344aac26a086c80eeefcc8d0b5ea',
    );
    expect(headers.Authorization).toBe(
      `HMAC-SHA256 Credential=AKLTDEMO/20260421/cn-beijing/ark/request, SignedHeaders=${signedList}, Signature=${signature}`,
    );
  });

  it('builds the canonical request with a blank line before the signed header list', () => {
    // Prepare
    const input = golden('open.volcengineapi.com');

    // Act
    const { canonicalRequest, stringToSign } = signRequestParts(input);

    // Assess
    expect(canonicalRequest).toBe(
      [
        'POST',
        '/',
        'Action=CreateAssetGroup&Version=2024-01-01',
        'content-type:application/json',
        'host:open.volcengineapi.com',
        'x-content-sha256:e0ca5950705b90ae5426571876467fcc3e47344aac26a086c80eeefcc8d0b5ea',
        'x-date:20260421T120000Z',
        '',
        'content-type;host;x-content-sha256;x-date',
        'e0ca5950705b90ae5426571876467fcc3e47344aac26a086c80eeefcc8d0b5ea',
      ].join('\n'),
    );
    expect(stringToSign.split('\n').slice(0, 3)).toEqual([
      'HMAC-SHA256',
      '20260421T120000Z',
      '20260421/cn-beijing/ark/request',
    ]);
  });
});

describe('signer details', () => {
  it('uses the SK as raw UTF-8: a base64-decoded SK gives another signature', () => {
    // Prepare
    const sk = 'V1hZWXFhZ2tqTlJRbWZLQw==';
    const raw = golden('open.volcengineapi.com');
    raw.credentials = { accessKeyId: 'AK', secretAccessKey: sk };
    const decoded = {
      ...raw,
      credentials: { accessKeyId: 'AK', secretAccessKey: Buffer.from(sk, 'base64').toString('utf8') },
    };

    // Act
    const a = signRequestParts(raw).signature;
    const b = signRequestParts(decoded).signature;

    // Assess
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds and signs X-Security-Token when a session token is present', () => {
    // Prepare
    const input = golden('open.volcengineapi.com');
    input.credentials = {
      accessKeyId: 'AKTP',
      secretAccessKey: 'SK',
      sessionToken: 'STS.token/with+chars==',
    };

    // Act
    const headers = signRequest(input);

    // Assess
    expect(headers['X-Security-Token']).toBe('STS.token/with+chars==');
    expect(headers.Authorization).toContain(
      'SignedHeaders=content-type;host;x-content-sha256;x-date;x-security-token,',
    );
  });

  it('refuses to sign a header that was not given', () => {
    // Prepare
    const input = { ...golden('h'), headers: { Host: 'h' } };

    // Act
    const act = () => signRequest(input);

    // Assess
    expect(act).toThrow(/content-type/);
  });

  it('encodes queries per RFC 3986 and sorts by name', () => {
    // Prepare
    const query = { b: "a b!'()*~", a: 'é/ü?=&', Z: ['y', 'x'], skip: undefined };

    // Act
    const out = canonicalQuery(query);

    // Assess
    expect(out).toBe('Z=x&Z=y&a=%C3%A9%2F%C3%BC%3F%3D%26&b=a%20b%21%27%28%29%2A~');
    expect(uriEncode('-_.~')).toBe('-_.~');
  });

  it('formats X-Date in UTC and hashes the empty body', () => {
    // Prepare
    const date = new Date(Date.UTC(2031, 0, 2, 3, 4, 5, 678));

    // Act
    const x = formatXDate(date);

    // Assess
    expect(x).toBe('20310102T030405Z');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

const ACTIONS = [
  'CreateAssetGroup',
  'CreateAsset',
  'GetAsset',
  'GetAssetGroup',
  'ListAssetGroups',
  'ListAssets',
  'UpdateAsset',
  'UpdateAssetGroup',
  'DeleteAsset',
  'DeleteAssetGroup',
];
const HOSTS = [
  'open.volcengineapi.com',
  'ark.cn-beijing.volcengineapi.com',
  'ark.ap-southeast-1.byteplusapi.com',
  '127.0.0.1:4010',
  'localhost:39999',
];
const REGIONS = ['cn-beijing', 'cn-shanghai', 'ap-southeast-1'];
const ALPHABET = [
  ...'abcXYZ0189 -_.~!*\'()&=+/?%#@:;,"\\',
  'é',
  'ü',
  '中',
  '文',
  '角色',
  'ñ',
  '😀',
  '🎬',
  'ا',
  '\u0301',
  '\n',
  '\t',
];

function randomCase(seed: number) {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const text = (max: number) =>
    Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(ALPHABET)).join('');
  const b64 = (n: number) =>
    Array.from({ length: n }, () =>
      pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/']),
    ).join('') + '==';
  const action = pick(ACTIONS);
  const query: Record<string, string | string[]> = { Action: action, Version: '2024-01-01' };
  if (r() < 0.3) query[`X-${Math.floor(r() * 99)}_k.~`] = text(8);
  if (r() < 0.15) query.Multi = [text(4), text(4)];
  const body = JSON.stringify({
    Name: text(20),
    Description: r() < 0.5 ? text(60) : undefined,
    GroupType: 'AIGC',
    ProjectName: pick(['default', 'Prod', 'proj-中']),
    PageNumber: Math.floor(r() * 10),
  });
  const date = new Date(Date.UTC(2000, 0, 1) + Math.floor(r() * 40 * 365 * 86_400_000));
  return {
    method: pick(['POST', 'POST', 'GET']),
    path: pick(['/', '/', '/api/v1/x', '/a-b_c.d~e']),
    host: pick(HOSTS),
    region: pick(REGIONS),
    service: pick(['ark', 'ark', 'iam']),
    query,
    body,
    date,
    credentials: {
      accessKeyId: `AKLT${b64(10).replace(/=+$/, '')}`,
      secretAccessKey: r() < 0.8 ? b64(38) : `sk-${text(12)}`,
      sessionToken: r() < 0.4 ? `STS2${b64(40)}` : undefined,
    },
  };
}

describe('signer vs @volcengine/openapi Signer (oracle)', () => {
  const CASES = 300;
  const SEED = 0x5eed;

  it(`agrees on ${CASES} randomised requests over the header set the SDK signs`, () => {
    // Prepare
    const cases = Array.from({ length: CASES }, (_, i) => ({ i, c: randomCase(SEED + i) }));
    const mismatches: string[] = [];

    // Act
    for (const { i, c } of cases) {
      const sdkRequest = {
        region: c.region,
        method: c.method,
        pathname: c.path,
        params: { ...c.query },
        headers: { Host: c.host } as Record<string, string>,
        body: c.body,
      };
      new Signer(sdkRequest, c.service).addAuthorization(
        {
          accessKeyId: c.credentials.accessKeyId,
          secretKey: c.credentials.secretAccessKey,
          sessionToken: c.credentials.sessionToken,
        },
        c.date,
      );
      const ours = signRequest({
        method: c.method,
        path: c.path,
        query: c.query,
        headers: { Host: c.host, 'Content-Type': 'application/json' },
        body: c.body,
        credentials: c.credentials.sessionToken
          ? c.credentials
          : { accessKeyId: c.credentials.accessKeyId, secretAccessKey: c.credentials.secretAccessKey },
        region: c.region,
        service: c.service,
        date: c.date,
        signedHeaders: ['host', 'x-content-sha256', 'x-date'],
      });
      const theirs = sdkRequest.headers;
      if (
        ours.Authorization !== theirs.Authorization ||
        ours['X-Date'] !== theirs['X-Date'] ||
        ours['X-Content-Sha256'] !== theirs['X-Content-Sha256'] ||
        ours['X-Security-Token'] !== theirs['X-Security-Token']
      )
        mismatches.push(
          `case ${i} (seed ${SEED + i}): ours ${ours.Authorization} sdk ${theirs.Authorization}`,
        );
    }

    // Assess
    expect(mismatches).toEqual([]);
    expect(new Set(cases.map(({ c }) => c.query.Action)).size).toBe(ACTIONS.length);
    expect(cases.filter(({ c }) => c.credentials.sessionToken).length).toBeGreaterThan(50);
    expect(cases.filter(({ c }) => /[^ -~]/.test(c.body)).length).toBeGreaterThan(200);
  });
});
