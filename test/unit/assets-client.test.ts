import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/core/config';
import { AUTHORIZATION_LETTER_HINT } from '../../functions/core/errors';
import { AssetsClient } from '../../functions/core/volcengine/assets-client';
import { sha256Hex, signRequestParts } from '../../functions/core/volcengine/signer';
import type { VolcCredentials } from '../../functions/core/volcengine/types';
import { assetsClient } from '../../functions/shared/clients';
import { sendJson, sendText, useLoopback, type RecordedRequest } from '../support/loopback-server';
import { apiErrorFromUpstream } from '../../functions/core/errors';
import { upstreamStepError } from '../../functions/core/step-errors';
import { THROTTLE_VARIANTS } from '../support/throttle-variants';
import { upstreamFailure } from '../support/upstream-failure';

const CREDS: VolcCredentials = { accessKeyId: 'AKLTtest0001', secretAccessKey: 'SkTestSecret/abc+def==' };
const PROJECT = 'Proj-A';

const GROUP_WIRE = {
  Id: 'group-20260421120000-abcde',
  Name: 'Alice',
  Title: 'Alice',
  Description: 'virtual character',
  GroupType: 'AIGC',
  ProjectName: PROJECT,
  CreateTime: '2026-04-21T12:00:00Z',
  UpdateTime: '2026-04-21T12:00:01Z',
};
const ASSET_WIRE = {
  Id: 'asset-20260421120000-fghij',
  Name: 'front.png',
  GroupId: GROUP_WIRE.Id,
  AssetType: 'Image',
  Status: 'Failed',
  Moderation: { Strategy: 'Default' },
  URL: 'https://tos.example/asset.png?X-Tos-Signature=zzz',
  CreateTime: '2026-04-21T12:00:00Z',
  UpdateTime: '2026-04-21T12:00:05Z',
  ProjectName: PROJECT,
  Error: { Code: 'WidthTooSmall', Message: 'width 200 < 300' },
};

const meta = (action: string) => ({
  RequestId: `req-${action}`,
  Action: action,
  Version: '2024-01-01',
  Service: 'ark',
  Region: 'cn-beijing',
});

function okResult(action: string): unknown {
  switch (action) {
    case 'CreateAssetGroup':
      return { Id: GROUP_WIRE.Id };
    case 'CreateAsset':
      return { Id: ASSET_WIRE.Id };
    case 'GetAsset':
      return ASSET_WIRE;
    case 'GetAssetGroup':
      return GROUP_WIRE;
    case 'ListAssetGroups':
      return { Items: [GROUP_WIRE], TotalCount: 1, PageNumber: 1, PageSize: 20 };
    case 'ListAssets':
      return { Items: [ASSET_WIRE], TotalCount: 1, PageNumber: 1, PageSize: 20 };
    case 'UpdateAsset':
      return { Id: ASSET_WIRE.Id };
    case 'UpdateAssetGroup':
      return { Id: GROUP_WIRE.Id };
    default:
      return {};
  }
}

const happy = (req: RecordedRequest, res: ServerResponse) => {
  const action = req.query.get('Action') ?? '';
  sendJson(res, 200, { ResponseMetadata: meta(action), Result: okResult(action) });
};

const server = useLoopback(happy);

const client = (over: Partial<ConstructorParameters<typeof AssetsClient>[0]> = {}) =>
  new AssetsClient({
    endpoint: server.url,
    region: 'cn-beijing',
    projectName: PROJECT,
    credentials: CREDS,
    ...over,
  });

const last = server.last;
const lastBody = () => JSON.parse(last().body) as Record<string, unknown>;

function parseXDate(x: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(x);
  if (!m) throw new Error(`bad X-Date ${x}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

describe('AssetsClient on the wire', () => {
  it('POSTs a signed CreateAssetGroup whose signature verifies against what arrived', async () => {
    // Prepare
    const c = client();

    // Act
    const out = await c.createAssetGroup({ name: 'Alice', description: 'virtual character' });

    // Assess
    const req = last();
    expect(out).toEqual({ id: GROUP_WIRE.Id });
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/');
    expect(Object.fromEntries(req.query)).toEqual({ Action: 'CreateAssetGroup', Version: '2024-01-01' });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-content-sha256']).toBe(sha256Hex(req.body));
    expect(req.headers['x-security-token']).toBeUndefined();
    expect(req.headers.authorization).toMatch(
      /^HMAC-SHA256 Credential=AKLTtest0001\/\d{8}\/cn-beijing\/ark\/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    );
    expect(lastBody()).toEqual({
      Name: 'Alice',
      Description: 'virtual character',
      GroupType: 'AIGC',
      ProjectName: PROJECT,
    });
    const recomputed = signRequestParts({
      method: req.method,
      path: req.path,
      query: Object.fromEntries(req.query),
      headers: { 'Content-Type': String(req.headers['content-type']), Host: String(req.headers.host) },
      body: req.body,
      credentials: CREDS,
      region: 'cn-beijing',
      service: 'ark',
      date: parseXDate(String(req.headers['x-date'])),
    });
    expect(req.headers.authorization).toBe(recomputed.headers.Authorization);
  });

  it.each([
    [
      'CreateAsset',
      (c: AssetsClient) =>
        c.createAsset({
          groupId: 'g-1',
          url: 'https://b/k.png?sig=1',
          assetType: 'Image',
          name: 'n',
          moderation: { strategy: 'Skip' },
        }),
      {
        GroupId: 'g-1',
        URL: 'https://b/k.png?sig=1',
        AssetType: 'Image',
        Name: 'n',
        Moderation: { Strategy: 'Skip' },
      },
    ],
    ['GetAsset', (c: AssetsClient) => c.getAsset('asset-1'), { Id: 'asset-1' }],
    ['GetAssetGroup', (c: AssetsClient) => c.getAssetGroup('group-1'), { Id: 'group-1' }],
    [
      'ListAssetGroups',
      (c: AssetsClient) =>
        c.listAssetGroups({
          pageNumber: 2,
          pageSize: 50,
          filter: { name: 'Ali', groupIds: ['g1'] },
          sortOrder: 'Asc',
        }),
      {
        Filter: { GroupIds: ['g1'], GroupType: 'AIGC', Name: 'Ali' },
        PageNumber: 2,
        PageSize: 50,
        SortOrder: 'Asc',
      },
    ],
    [
      'ListAssets',
      (c: AssetsClient) =>
        c.listAssets({
          filter: { groupIds: ['g1'], statuses: ['Active'] },
          sortBy: 'CreateTime',
          sortOrder: 'Desc',
        }),
      {
        Filter: { GroupIds: ['g1'], GroupType: 'AIGC', Statuses: ['Active'] },
        PageNumber: 1,
        PageSize: 20,
        SortBy: 'CreateTime',
        SortOrder: 'Desc',
      },
    ],
    [
      'UpdateAsset',
      (c: AssetsClient) => c.updateAsset({ id: 'asset-1', name: 'new' }),
      { Id: 'asset-1', Name: 'new' },
    ],
    [
      'UpdateAssetGroup',
      (c: AssetsClient) => c.updateAssetGroup({ id: 'group-1', name: 'G', description: 'D' }),
      { Id: 'group-1', Name: 'G', Description: 'D' },
    ],
    ['DeleteAsset', (c: AssetsClient) => c.deleteAsset('asset-1'), { Id: 'asset-1' }],
    ['DeleteAssetGroup', (c: AssetsClient) => c.deleteAssetGroup('group-1'), { Id: 'group-1' }],
  ])('%s sends its PascalCase body with ProjectName', async (action, invoke, expected) => {
    // Prepare
    const c = client();

    // Act
    await invoke(c);

    // Assess
    expect(last().query.get('Action')).toBe(action);
    expect(last().query.get('Version')).toBe('2024-01-01');
    expect(lastBody()).toEqual({ ...expected, ProjectName: PROJECT });
  });

  it('maps assets and groups to the camelCase domain shape', async () => {
    // Prepare
    const c = client();

    // Act
    const asset = await c.getAsset(ASSET_WIRE.Id);
    const group = await c.getAssetGroup(GROUP_WIRE.Id);
    const page = await c.listAssets();

    // Assess
    expect(asset).toEqual({
      id: ASSET_WIRE.Id,
      name: 'front.png',
      groupId: GROUP_WIRE.Id,
      assetType: 'Image',
      status: 'Failed',
      url: ASSET_WIRE.URL,
      moderation: { Strategy: 'Default' },
      projectName: PROJECT,
      createTime: '2026-04-21T12:00:00Z',
      updateTime: '2026-04-21T12:00:05Z',
      error: { code: 'WidthTooSmall', message: 'width 200 < 300' },
    });
    expect(group).toEqual({
      id: GROUP_WIRE.Id,
      name: 'Alice',
      title: 'Alice',
      description: 'virtual character',
      groupType: 'AIGC',
      projectName: PROJECT,
      createTime: '2026-04-21T12:00:00Z',
      updateTime: '2026-04-21T12:00:01Z',
    });
    expect(page).toEqual({ items: [asset], totalCount: 1, pageNumber: 1, pageSize: 20 });
  });

  it('sends and signs X-Security-Token for STS credentials', async () => {
    // Prepare
    const c = client({ credentials: { ...CREDS, sessionToken: 'STS2session-token-value' } });

    // Act
    await c.getAsset('asset-1');

    // Assess
    expect(last().headers['x-security-token']).toBe('STS2session-token-value');
    expect(last().headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-content-sha256;x-date;x-security-token,',
    );
  });

  it('resolves credentials on every call so rotation is picked up', async () => {
    // Prepare
    let n = 0;
    const c = client({ credentials: async () => ({ accessKeyId: `AK-${++n}`, secretAccessKey: 'sk' }) });

    // Act
    await c.deleteAsset('a');
    await c.deleteAsset('b');

    // Assess
    expect(
      server.requests.map((r) => /Credential=([^/]+)/.exec(String(r.headers.authorization))?.[1]),
    ).toEqual(['AK-1', 'AK-2']);
  });
});

describe('AssetsClient paging', () => {
  const groups = Array.from({ length: 250 }, (_, i) => ({ ...GROUP_WIRE, Id: `group-${i}` }));

  /** Pages `items` by an offset cursor the way the service does: NextToken absent or '' at the end. */
  const cursorPaging =
    (action: string, items: unknown[], end: 'absent' | 'empty' = 'absent') =>
    (req: RecordedRequest, res: ServerResponse) => {
      const body = JSON.parse(req.body) as { MaxResults: number; NextToken?: string };
      const start = Number(body.NextToken ?? 0);
      const next = start + body.MaxResults;
      const more = next < items.length;
      sendJson(res, 200, {
        ResponseMetadata: meta(action),
        Result: {
          Items: items.slice(start, next),
          ...(more ? { NextToken: String(next) } : end === 'empty' ? { NextToken: '' } : {}),
        },
      });
    };

  it.each(['absent', 'empty'] as const)(
    'iterates 250 groups with the cursor, 100 per page, until NextToken is %s',
    async (end) => {
      // Prepare
      server.respond(cursorPaging('ListAssetGroups', groups, end));

      // Act
      const ids: string[] = [];
      for await (const g of client().iterateAssetGroups({ filter: { name: 'x' } })) ids.push(g.id);

      // Assess
      expect(ids).toEqual(groups.map((g) => g.Id));
      expect(server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>)).toEqual([
        { Filter: { GroupType: 'AIGC', Name: 'x' }, MaxResults: 100, ProjectName: PROJECT },
        { Filter: { GroupType: 'AIGC', Name: 'x' }, MaxResults: 100, NextToken: '100', ProjectName: PROJECT },
        { Filter: { GroupType: 'AIGC', Name: 'x' }, MaxResults: 100, NextToken: '200', ProjectName: PROJECT },
      ]);
    },
  );

  it('iterates assets of a LivenessFace group with the asked page size and filters', async () => {
    // Prepare
    const assets = Array.from({ length: 5 }, (_, i) => ({
      ...ASSET_WIRE,
      Id: `asset-${i}`,
      Status: 'Active',
    }));
    server.respond(cursorPaging('ListAssets', assets));

    // Act
    const ids: string[] = [];
    for await (const a of client().iterateAssets({
      maxResults: 2,
      filter: { groupIds: ['g1'], groupType: 'LivenessFace', statuses: ['Active'] },
      sortBy: 'CreateTime',
      sortOrder: 'Asc',
    }))
      ids.push(a.id);

    // Assess
    expect(ids).toEqual(['asset-0', 'asset-1', 'asset-2', 'asset-3', 'asset-4']);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.NextToken)).toEqual([undefined, '2', '4']);
    for (const b of bodies)
      expect(b).toMatchObject({
        Filter: { GroupIds: ['g1'], GroupType: 'LivenessFace', Statuses: ['Active'] },
        MaxResults: 2,
        SortBy: 'CreateTime',
        SortOrder: 'Asc',
      });
    expect(bodies.some((b) => 'PageNumber' in b || 'PageSize' in b)).toBe(false);
  });

  it.each([
    [500, 100],
    [0, 1],
    [37, 37],
  ])('keeps MaxResults %i inside 1–100 (sends %i)', async (asked, sent) => {
    // Prepare
    server.respond(cursorPaging('ListAssets', [ASSET_WIRE]));

    // Act
    const page = await client().listAssetsByCursor({ maxResults: asked });

    // Assess
    expect(lastBody()).toMatchObject({ MaxResults: sent });
    expect(page).toEqual({ items: [expect.objectContaining({ id: ASSET_WIRE.Id }) as unknown] });
  });

  it('returns the NextToken of a cursor page and sends the one it is given', async () => {
    // Prepare
    server.respond(cursorPaging('ListAssetGroups', groups));

    // Act
    const page = await client().listAssetGroupsByCursor({ maxResults: 10, nextToken: '240' });

    // Assess
    expect(lastBody()).toEqual({
      Filter: { GroupType: 'AIGC' },
      MaxResults: 10,
      NextToken: '240',
      ProjectName: PROJECT,
    });
    expect(page.items.map((g) => g.id)).toEqual(groups.slice(240).map((g) => g.Id));
    expect(page.nextToken).toBeUndefined();
  });

  it('stops when a service ignores the cursor and keeps answering the same NextToken', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, {
        ResponseMetadata: meta('ListAssets'),
        Result: { Items: [ASSET_WIRE, ASSET_WIRE], NextToken: 'same' },
      }),
    );

    // Act
    let count = 0;
    for await (const _a of client().iterateAssets({ maxResults: 2 })) count += 1;

    // Assess
    expect(count).toBe(4);
    expect(server.requests).toHaveLength(2);
  });

  it('yields nothing for an empty library after one call', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, { ResponseMetadata: meta('ListAssets'), Result: { Items: [] } }),
    );

    // Act
    let count = 0;
    for await (const _a of client().iterateAssets()) count += 1;

    // Assess
    expect(count).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

const volcError =
  (status: number, code: string, message: string, codeN?: number) =>
  (req: RecordedRequest, res: ServerResponse) =>
    sendJson(res, status, {
      ResponseMetadata: {
        ...meta(req.query.get('Action') ?? ''),
        Error: { Code: code, CodeN: codeN, Message: message },
      },
    });

describe('AssetsClient errors (UPSTREAM.md §1 error table)', () => {
  it.each([
    ['MissingParameter', 100002, 400, false, false, undefined],
    ['InvalidTimestamp', 100006, 400, false, false, /NTP/],
    ['InvalidActionOrVersion', 100008, 404, false, false, undefined],
    ['InvalidAccessKey', 100009, 401, false, false, /AccessKeyId/],
    ['SignatureDoesNotMatch', 100010, 401, false, false, /raw UTF-8/],
    ['AccessDenied', 100013, 403, false, false, /ark:\*Asset\*/],
    ['InternalError', 100014, 500, true, false, undefined],
    ['FlowLimitExceeded', 100018, 429, true, true, /older code/],
    ['NotFound.group_id', undefined, 404, false, false, /ProjectName/],
    ['NotFound.asset_id', undefined, 404, false, false, /ProjectName/],
    ['InvalidParameter', undefined, 400, false, false, undefined],
    ['InvalidParameter.PageSize', undefined, 400, false, false, undefined],
    ['SubscriptionRequired', undefined, 403, false, false, /entitlement/],
  ] as const)(
    '%s (%s, HTTP %i) → retryable %s, throttled %s',
    async (code, codeN, status, retryable, throttled, hint) => {
      // Prepare
      server.respond(volcError(status, code, `upstream says ${code}`, codeN));

      // Act
      const e = await upstreamFailure(client().getAsset('asset-1'));

      // Assess
      expect(e).toMatchObject({
        service: 'volcengine',
        code,
        status,
        retryable,
        throttled,
        operation: 'GetAsset',
        requestId: 'req-GetAsset',
        message: `upstream says ${code}`,
      });
      if (hint) expect(e.hint).toMatch(hint);
      else expect(e.hint).toBeUndefined();
    },
  );

  it.each(['AccessDenied', 'SubscriptionRequired'])(
    'adds the authorization-letter hint to a CreateAssetGroup %s',
    async (code) => {
      // Prepare
      server.respond(volcError(403, code, 'denied'));

      // Act
      const e = await upstreamFailure(client().createAssetGroup({ name: 'first' }));

      // Assess
      expect(e.hint).toContain(AUTHORIZATION_LETTER_HINT);
      expect(e).toMatchObject({ code, status: 403, retryable: false, operation: 'CreateAssetGroup' });
    },
  );

  it.each([
    [0, true],
    [3, false],
  ])(
    'an InvalidParameter CreateAssetGroup on an account with %i groups → letter hint %s',
    async (total, hinted) => {
      // Prepare
      server.respond((req, res) => {
        if (req.query.get('Action') === 'CreateAssetGroup')
          return volcError(400, 'InvalidParameter', 'invalid request')(req, res);
        sendJson(res, 200, {
          ResponseMetadata: meta('ListAssetGroups'),
          Result: { Items: total ? [GROUP_WIRE] : [], ...(total > 1 ? { NextToken: '1' } : {}) },
        });
      });

      // Act
      const e = await upstreamFailure(client().createAssetGroup({ name: 'first' }));

      // Assess
      expect(e.code).toBe('InvalidParameter');
      expect(e.hint?.includes(AUTHORIZATION_LETTER_HINT) ?? false).toBe(hinted);
      expect(lastBody()).toEqual({ Filter: { GroupType: 'AIGC' }, MaxResults: 1, ProjectName: PROJECT });
    },
  );

  it.each(
    THROTTLE_VARIANTS.flatMap(([code, hint]) => [200, 429].map((status) => [code, status, hint] as const)),
  )(
    'throttle %s in an HTTP %i without Result is a typed throttled, retryable error with its hint',
    async (code, status, hint) => {
      // Prepare
      server.respond(
        volcError(
          status,
          code,
          `Request denied by ${code}`,
          code === 'AccountFlowLimitExceeded' ? 100027 : undefined,
        ),
      );

      // Act
      const e = await upstreamFailure(
        client().createAsset({ groupId: 'g', url: 'https://x/y.png', assetType: 'Image' }),
      );

      // Assess
      expect(e).toMatchObject({
        service: 'volcengine',
        code,
        status,
        throttled: true,
        retryable: true,
        operation: 'CreateAsset',
        requestId: 'req-CreateAsset',
      });
      expect(e.hint).toMatch(hint);
      expect(e.toJSON()).toMatchObject({ throttled: true, retryable: true, hint: e.hint });
      expect(upstreamStepError(e).name).toBe('Upstream.Throttled');
      expect(apiErrorFromUpstream(e)).toMatchObject({
        status: 503,
        code: 'UpstreamThrottled',
        headers: { 'Retry-After': expect.stringMatching(/^\d+$/) as unknown },
      });
    },
  );

  it('reads the live HTTP 200 AccountFlowLimitExceeded (CodeN 100027) as throttling, even next to a Result', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, {
        ResponseMetadata: {
          ...meta('CreateAsset'),
          Error: {
            Code: 'AccountFlowLimitExceeded',
            CodeN: 100027,
            Message: 'Request denied by the account flow limit',
          },
        },
        Result: { Id: 'asset-that-was-not-created' },
      }),
    );

    // Act
    const e = await upstreamFailure(
      client().createAsset({ groupId: 'g', url: 'https://x/y.png', assetType: 'Image' }),
    );

    // Assess
    expect(e).toMatchObject({
      code: 'AccountFlowLimitExceeded',
      codeN: 100027,
      status: 200,
      throttled: true,
      retryable: true,
    });
  });

  it.each([
    [100027, 'AccountFlowLimitExceeded', true],
    [100018, 'FlowLimitExceeded', true],
    [100010, 'SignatureDoesNotMatch', false],
    [123456, 'UnknownError', false],
  ])('names an error that carries only CodeN %i as %s (throttled %s)', async (codeN, code, throttled) => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, {
        ResponseMetadata: { ...meta('GetAsset'), Error: { CodeN: codeN, Message: 'denied' } },
      }),
    );

    // Act
    const e = await upstreamFailure(client().getAsset('asset-1'));

    // Assess
    expect(e).toMatchObject({ code, codeN, status: 200, throttled, retryable: throttled });
  });

  it('still succeeds on a 2xx whose Error object is empty', async () => {
    // Prepare
    server.respond((_req, res) =>
      sendJson(res, 200, { ResponseMetadata: { ...meta('GetAsset'), Error: {} }, Result: ASSET_WIRE }),
    );

    // Act
    const asset = await client().getAsset(ASSET_WIRE.Id);

    // Assess
    expect(asset.id).toBe(ASSET_WIRE.Id);
  });

  it('never echoes the secret key, session token or signature in the error', async () => {
    // Prepare
    const creds = { ...CREDS, sessionToken: 'STS2-very-secret-session' };
    server.respond((req, res) => {
      const echoed = `expected for ${String(req.headers.authorization)} key ${creds.secretAccessKey} token ${String(req.headers['x-security-token'])}`;
      volcError(401, 'SignatureDoesNotMatch', echoed)(req, res);
    });

    // Act
    const e = await upstreamFailure(client({ credentials: creds }).getAsset('a'));

    // Assess
    const signature = /Signature=([0-9a-f]+)/.exec(String(last().headers.authorization))?.[1] ?? 'missing';
    const everything = `${e.message} ${e.hint ?? ''} ${JSON.stringify(e)} ${String(e.stack)}`;
    expect(everything).not.toContain(creds.secretAccessKey);
    expect(everything).not.toContain(creds.sessionToken);
    expect(everything).not.toContain(signature);
  });

  it('turns a slow answer into a retryable Timeout', async () => {
    // Prepare
    server.respond((req, res) => {
      setTimeout(() => happy(req, res), 2_000).unref();
    });

    // Act
    const e = await upstreamFailure(client({ timeoutMs: 150 }).getAsset('a'));

    // Assess
    expect(e).toMatchObject({ code: 'Timeout', status: 0, retryable: true, operation: 'GetAsset' });
  });

  it('turns a connection reset into a retryable NetworkError', async () => {
    // Prepare
    server.respond((_req, _res, raw) => {
      raw.socket.destroy();
    });

    // Act
    const e = await upstreamFailure(client().deleteAsset('a'));

    // Assess
    expect(e).toMatchObject({ code: 'NetworkError', status: 0, retryable: true, operation: 'DeleteAsset' });
  });

  it('turns malformed JSON on a 200 into a retryable MalformedResponse', async () => {
    // Prepare
    server.respond((_req, res) => sendText(res, 200, '{"ResponseMetadata":{', 'application/json'));

    // Act
    const e = await upstreamFailure(client().getAsset('a'));

    // Assess
    expect(e).toMatchObject({ code: 'MalformedResponse', status: 200, retryable: true });
  });

  it('turns a Result without Id into MalformedResponse', async () => {
    // Prepare
    server.respond((_req, res) => sendJson(res, 200, { ResponseMetadata: meta('CreateAsset'), Result: {} }));

    // Act
    const e = await upstreamFailure(
      client().createAsset({ groupId: 'g', url: 'https://x/y', assetType: 'Image' }),
    );

    // Assess
    expect(e).toMatchObject({ code: 'MalformedResponse', operation: 'CreateAsset', requestId: undefined });
  });

  it("turns a gateway's HTML 502 into a retryable UnexpectedResponse", async () => {
    // Prepare
    server.respond((_req, res) => sendText(res, 502, '<html><h1>502 Bad Gateway</h1></html>', 'text/html'));

    // Act
    const e = await upstreamFailure(client().listAssets());

    // Assess
    expect(e).toMatchObject({
      code: 'UnexpectedResponse',
      status: 502,
      retryable: true,
      service: 'volcengine',
    });
    expect(e.message).not.toContain('<html>');
  });
});

describe('shared assetsClient()', () => {
  it('builds the client from config and reads credentials per call', async () => {
    // Prepare
    const config = loadConfig({
      VOLC_ENDPOINT: server.url,
      ARK_PROJECT_NAME: 'cfg-project',
      VOLC_REGION: 'cn-shanghai',
    });
    let reads = 0;
    const c = assetsClient(config, {
      credentials: async () => {
        reads += 1;
        return {
          accessKeyId: 'AK-cfg',
          secretAccessKey: 'sk-cfg-secret',
          sessionToken: 'tok-cfg-1',
          apiToken: 'sk-api',
        };
      },
    });

    // Act
    await c.getAsset('a');
    await c.getAsset('b');

    // Assess
    expect(reads).toBe(2);
    expect(lastBody()).toEqual({ Id: 'b', ProjectName: 'cfg-project' });
    expect(last().headers.authorization).toContain('Credential=AK-cfg/');
    expect(last().headers.authorization).toContain('/cn-shanghai/ark/request');
    expect(last().headers['x-security-token']).toBe('tok-cfg-1');
  });
});
