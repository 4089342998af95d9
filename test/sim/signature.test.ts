import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { verifySignature } from '../../local/upstream-sim/volc/signature';
import { SimVolcError } from '../../local/upstream-sim/volc/errors';
import { LIST_AIGC, volcCall } from './helpers/clients';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.001, seed: 1 });
});
afterAll(() => sim.close());

const group = { Name: 'sig', GroupType: 'AIGC', ProjectName: 'default' };

function expectVolcError(
  r: Awaited<ReturnType<typeof volcCall>>,
  status: number,
  code: string,
  codeN: number | undefined,
) {
  expect(r.status).toBe(status);
  expect(r.body.Result).toBeUndefined();
  const meta = r.body.ResponseMetadata;
  expect(meta).toMatchObject({ Service: 'ark', Region: 'cn-beijing' });
  expect(meta.RequestId).toMatch(/^[0-9a-f]{32}$/);
  expect(meta.Error?.Code).toBe(code);
  expect(meta.Error?.CodeN).toBe(codeN);
  expect(meta.Error?.Message).toEqual(expect.any(String));
}

describe('signature verification over HTTP', () => {
  it('accepts a request signed by @volcengine/openapi Signer with the default demo credentials', async () => {
    // Prepare / Act
    const r = await volcCall(sim, 'CreateAssetGroup', group);

    // Assess
    expect(r.status).toBe(200);
    expect(r.body.ResponseMetadata).toMatchObject({ Action: 'CreateAssetGroup', Version: '2024-01-01' });
    expect(r.body.Result?.Id).toMatch(/^group-\d{14}-[a-z0-9]{5}$/);
  });

  it('accepts STS credentials: any X-Security-Token when it is signed', async () => {
    // Act
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { sessionToken: 'STS-anything' });

    // Assess
    expect(r.status).toBe(200);
  });

  it('answers InvalidSecretToken for an unsigned X-Security-Token', async () => {
    // Act
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.headers['X-Security-Token'] = 'added-after-signing'),
    });

    // Assess
    expectVolcError(r, 401, 'InvalidSecretToken', undefined);
  });

  it('answers InvalidAccessKey (401, 100009) for an unknown AK', async () => {
    const r = await volcCall(sim, 'CreateAssetGroup', group, { accessKeyId: 'AKLTUNKNOWN' });
    expectVolcError(r, 401, 'InvalidAccessKey', 100009);
  });

  it('answers SignatureDoesNotMatch (401, 100010) for a wrong SK', async () => {
    const r = await volcCall(sim, 'CreateAssetGroup', group, { secretAccessKey: 'not-the-secret' });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch for a body changed after signing', async () => {
    const r = await volcCall(sim, 'CreateAssetGroup', group, {
      tamper: (s) => void (s.body = s.body.replace('"sig"', '"evil"')),
    });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch for a changed body whose X-Content-Sha256 was updated to match', async () => {
    const r = await volcCall(sim, 'CreateAssetGroup', group, {
      tamper: (s) => {
        s.body = s.body.replace('"sig"', '"evil"');
        s.headers['X-Content-Sha256'] = createHash('sha256').update(s.body).digest('hex');
      },
    });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch for a query changed after signing', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.query = s.query.replace('ListAssetGroups', 'ListAssets')),
    });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch for a signed header changed after signing', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.headers.Host = 'open.volcengineapi.com'),
    });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch when host is not among the SignedHeaders', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { omitHost: true });
    expectVolcError(r, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers SignatureDoesNotMatch for another region or service in the scope', async () => {
    const region = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { region: 'ap-southeast-1' });
    const service = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { service: 'iam' });
    expectVolcError(region, 401, 'SignatureDoesNotMatch', 100010);
    expectVolcError(service, 401, 'SignatureDoesNotMatch', 100010);
  });

  it('answers InvalidTimestamp (400, 100006) when X-Date is more than 900 s off, either way', async () => {
    // Prepare
    const past = new Date(Date.now() - 905_000);
    const future = new Date(Date.now() + 905_000);
    const inside = new Date(Date.now() - 880_000);

    // Act
    const rPast = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { date: past });
    const rFuture = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { date: future });
    const rInside = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, { date: inside });

    // Assess
    expectVolcError(rPast, 400, 'InvalidTimestamp', 100006);
    expectVolcError(rFuture, 400, 'InvalidTimestamp', 100006);
    expect(rInside.status).toBe(200);
  });

  it('answers InvalidTimestamp for a malformed X-Date', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.headers['X-Date'] = '2026-04-21T12:00:00Z'),
    });
    expectVolcError(r, 400, 'InvalidTimestamp', 100006);
  });

  it('answers MissingAuthenticationToken (401, 100003) without Authorization', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void delete s.headers.Authorization,
    });
    expectVolcError(r, 401, 'MissingAuthenticationToken', 100003);
  });

  it('answers MissingRequestInfo (400, 100004) without X-Date', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void delete s.headers['X-Date'],
    });
    expectVolcError(r, 400, 'MissingRequestInfo', 100004);
  });

  it('answers MissingSignature (401, 100005) and InvalidAuthorization (400) for broken Authorization headers', async () => {
    const noSig = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) =>
        void (s.headers.Authorization = (s.headers.Authorization ?? '').replace(/, Signature=.*$/, '')),
    });
    const otherScheme = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.headers.Authorization = 'AWS4-HMAC-SHA256 Credential=x'),
    });
    const garbled = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) => void (s.headers.Authorization = 'HMAC-SHA256 Credential=AK, Signature=zz'),
    });
    expectVolcError(noSig, 401, 'MissingSignature', 100005);
    expectVolcError(otherScheme, 400, 'InvalidAuthorization', undefined);
    expectVolcError(garbled, 400, 'InvalidAuthorization', undefined);
  });

  it('answers InvalidCredential (400) for a credential scope of the wrong shape', async () => {
    const r = await volcCall(sim, 'ListAssetGroups', LIST_AIGC, {
      tamper: (s) =>
        void (s.headers.Authorization = (s.headers.Authorization ?? '').replace(
          /\/cn-beijing\/ark\/request/,
          '/x',
        )),
    });
    expectVolcError(r, 400, 'InvalidCredential', undefined);
  });

  it('answers MissingParameter (400, 100002) without Action and InvalidActionOrVersion (404, 100008) for unknown ones', async () => {
    const noAction = await volcCall(sim, '', {});
    const unknown = await volcCall(sim, 'DescribeInstances', {});
    const oldVersion = await volcCall(sim, 'ListAssets', LIST_AIGC, { version: '2023-01-01' });
    expectVolcError(noAction, 400, 'MissingParameter', 100002);
    expectVolcError(unknown, 404, 'InvalidActionOrVersion', 100008);
    expectVolcError(oldVersion, 404, 'InvalidActionOrVersion', 100008);
  });
});

describe('signature verification with a configured session token', () => {
  it('requires that exact X-Security-Token', async () => {
    // Prepare
    const sts = await startSimulator({ port: 0, credentials: { sessionToken: 'STS-expected' } });
    try {
      // Act
      const good = await volcCall(sts, 'ListAssets', LIST_AIGC, { sessionToken: 'STS-expected' });
      const wrong = await volcCall(sts, 'ListAssets', LIST_AIGC, { sessionToken: 'STS-other' });
      const missing = await volcCall(sts, 'ListAssets', LIST_AIGC);

      // Assess
      expect(good.status).toBe(200);
      expectVolcError(wrong, 401, 'InvalidSecretToken', undefined);
      expectVolcError(missing, 401, 'InvalidSecretToken', undefined);
    } finally {
      await sts.close();
    }
  });

  it('accepts credentials given in the options instead of the demo ones', async () => {
    // Prepare
    const custom = await startSimulator({
      port: 0,
      credentials: { accessKeyId: 'AKLTOTHER', secretAccessKey: 'sk2' },
    });
    try {
      // Act
      const ok = await volcCall(custom, 'ListAssets', LIST_AIGC, {
        accessKeyId: 'AKLTOTHER',
        secretAccessKey: 'sk2',
      });
      const demo = await volcCall(custom, 'ListAssets', LIST_AIGC);

      // Assess
      expect(ok.status).toBe(200);
      expect(demo.status).toBe(401);
      expect(demo.body.ResponseMetadata.Error?.Code).toBe('InvalidAccessKey');
    } finally {
      await custom.close();
    }
  });
});

describe('verifySignature against UPSTREAM.md golden vectors', () => {
  const body = '{"Name":"demo","GroupType":"AIGC","ProjectName":"default"}';
  const vectors = [
    {
      host: 'ark.cn-beijing.volcengineapi.com',
      signed: 'content-type;host;x-content-sha256;x-date',
      signature: '84ccf7dcb4332c72bd124824adaefa8f0410e8f1b78acbc779f7c8cf451128d6',
    },
    {
      host: 'ark.cn-beijing.volcengineapi.com',
      signed: 'host;x-content-sha256;x-date',
      signature: '157f75c74a9fb7d5da9f062578381e5af7735dfecdfcd1af89231193ad5a278a',
    },
    {
      host: 'open.volcengineapi.com',
      signed: 'content-type;host;x-content-sha256;x-date',
      signature: '20743ae7b3ae5f2191eaac89b0b7b1e5da5e857f000b74afdc9dc04e33b37297',
    },
  ];
  const settings = {
    accessKeyId: 'AKLTDEMO',
    secretAccessKey: 'SECDEMO',
    region: 'cn-beijing',
    service: 'ark',
    maxClockSkewSeconds: 900,
  };
  const at = Date.UTC(2026, 3, 21, 12, 0, 0);

  it.each(vectors)('accepts the vector for $host signing $signed', (v) => {
    // Prepare
    const headers = {
      host: v.host,
      'content-type': 'application/json',
      'x-date': '20260421T120000Z',
      'x-content-sha256': 'e0ca5950705b90ae5426571876467fcc3e47344aac26a086c80eeefcc8d0b5ea',
      authorization: `HMAC-SHA256 Credential=AKLTDEMO/20260421/cn-beijing/ark/request, SignedHeaders=${v.signed}, Signature=${v.signature}`,
    };
    const req = {
      method: 'POST',
      path: '/',
      rawQuery: 'Version=2024-01-01&Action=CreateAssetGroup',
      headers,
      body: Buffer.from(body),
    };

    // Act / Assess
    expect(() => verifySignature(req, settings, at)).not.toThrow();
    expect(() => verifySignature({ ...req, body: Buffer.from(`${body} `) }, settings, at)).toThrow(
      SimVolcError,
    );
  });
});
