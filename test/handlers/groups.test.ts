import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupPageResponse, groupResponse } from '../../functions/core/api-schemas/groups';
import { logger } from '../../functions/shared/logger';
import { errorCode } from './api-event';
import { unmanagedReason } from '../../functions/core/groups';
import { MANAGED_TAG, createGroup, startHarness, upstreamClient, type Harness } from './groups-harness';

let h: Harness;

beforeAll(async () => {
  logger.setSink(() => undefined);
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.sim.control.clearFaults();
});

describe('POST /groups', () => {
  it('creates a group marked as managed and answers 201 without the marker', async () => {
    // Prepare
    const body = { name: 'Mia', description: 'red-haired host' };
    // Act
    const res = await h.call('createGroup', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(201);
    const group = groupResponse.parse(res.body);
    expect(group).toMatchObject({
      name: 'Mia',
      description: 'red-haired host',
      projectName: 'default',
      managed: true,
    });
    expect(res.headers.Location).toBe(`/groups/${group.groupId}`);
    const upstream = h.sim.control.groups().find((g) => g.Id === group.groupId);
    expect(upstream?.Description).toBe(`red-haired host [managed-by:${MANAGED_TAG}]`);
  });

  it('accepts a group without description', async () => {
    // Prepare
    const body = { name: 'Leo' };
    // Act
    const res = await h.call('createGroup', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Leo', description: '', managed: true });
  });

  it.each([
    ['malformed JSON', '{"name": "Mia"', 'InvalidJson', undefined],
    ['no body', undefined, 'ValidationError', ''],
    ['a missing name', { description: 'x' }, 'ValidationError', 'name'],
    ['a wrong-typed name', { name: 42 }, 'ValidationError', 'name'],
    ['a wrong-typed description', { name: 'Mia', description: ['x'] }, 'ValidationError', 'description'],
    ['an empty name', { name: '   ' }, 'ValidationError', 'name'],
    ['a name over 64 characters', { name: 'x'.repeat(65) }, 'ValidationError', 'name'],
    [
      'a description over 200 characters',
      { name: 'Mia', description: 'd'.repeat(201) },
      'ValidationError',
      'description',
    ],
    ['an unknown field', { name: 'Mia', color: 'red' }, 'ValidationError', ''],
  ])('answers 400 for %s', async (_label, body, code, field) => {
    // Prepare
    const before = h.sim.control.counters().CreateAssetGroup?.calls ?? 0;
    // Act
    const res = await h.call('createGroup', { method: 'POST', body });
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
    if (field !== undefined)
      expect((res.body as { error: { details: Array<{ field: string }> } }).error.details).toContainEqual(
        expect.objectContaining({ location: 'body', field }),
      );
    expect(h.sim.control.counters().CreateAssetGroup?.calls ?? 0).toBe(before);
  });

  it.each([
    [{ kind: 'error', status: 500, code: 'InternalError' }, 502, 'UpstreamError'],
    [{ kind: 'error', status: 429, code: 'FlowLimitExceeded' }, 503, 'UpstreamThrottled'],
    [{ kind: 'error', status: 400, code: 'InvalidParameter.Name' }, 400, 'InvalidParameter.Name'],
    [{ kind: 'error', status: 401, code: 'SignatureDoesNotMatch' }, 502, 'UpstreamCredentialsRejected'],
    [{ kind: 'reset' }, 504, 'UpstreamUnavailable'],
    [{ kind: 'malformed' }, 502, 'UpstreamError'],
  ] as const)('maps upstream fault %j to %i %s', async (fault, status, code) => {
    // Prepare
    h.sim.control.setFaults([{ action: 'CreateAssetGroup', rate: 1, count: 1, ...fault }]);
    // Act
    const res = await h.call('createGroup', { method: 'POST', body: { name: 'Mia' } });
    // Assess
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
  });

  it('answers 503 with Retry-After when the upstream throttles', async () => {
    // Prepare
    h.sim.control.setFaults([
      {
        action: 'CreateAssetGroup',
        rate: 1,
        count: 1,
        kind: 'error',
        status: 429,
        code: 'FlowLimitExceeded',
      },
    ]);
    // Act
    const res = await h.call('createGroup', { method: 'POST', body: { name: 'Mia' } });
    // Assess
    expect(res.headers['Retry-After']).toBe('2');
  });

  it('answers 504 UpstreamTimeout when the upstream is slower than the timeout', async () => {
    // Prepare
    h.sim.control.setFaults([
      { action: 'CreateAssetGroup', rate: 1, count: 1, kind: 'latency', latencyMs: 2500 },
    ]);
    // Act
    const res = await h.call('createGroup', { method: 'POST', body: { name: 'Slow' } });
    // Assess
    expect(res.status).toBe(504);
    expect(errorCode(res)).toBe('UpstreamTimeout');
  });
});

describe('GET /groups', () => {
  it('pages through the groups with the caller-facing view', async () => {
    // Prepare
    for (const n of ['Page A', 'Page B', 'Page C']) await createGroup(h, n);
    // Act
    const first = await h.call('listGroups', { query: { pageSize: '2', pageNumber: '1' } });
    const second = await h.call('listGroups', { query: { pageSize: '2', pageNumber: '2' } });
    // Assess
    expect(first.status).toBe(200);
    const p1 = groupPageResponse.parse(first.body);
    const p2 = groupPageResponse.parse(second.body);
    expect(p1.items).toHaveLength(2);
    expect(p1).toMatchObject({ pageNumber: 1, pageSize: 2 });
    expect(p1.total).toBeGreaterThanOrEqual(3);
    expect(new Set([...p1.items, ...p2.items].map((g) => g.groupId)).size).toBe(
      p1.items.length + p2.items.length,
    );
    expect(p1.items.every((g) => !g.description.includes('[managed-by'))).toBe(true);
  });

  it('filters by name', async () => {
    // Prepare
    const id = await createGroup(h, 'Unique Zed');
    // Act
    const res = await h.call('listGroups', { query: { name: 'Unique Zed' } });
    // Assess
    const page = groupPageResponse.parse(res.body);
    expect(page.items.map((g) => g.groupId)).toContain(id);
    expect(page.items.every((g) => g.name.includes('Unique Zed'))).toBe(true);
  });

  it('reports groups created elsewhere as not managed', async () => {
    // Prepare
    const res0 = await h.call('createGroup', { method: 'POST', body: { name: 'Console group' } });
    const id = (res0.body as { groupId: string }).groupId;
    const marker = `[managed-by:${MANAGED_TAG}]`;
    // Simulate a console-made group by stripping the marker upstream.
    const { AssetsClient } = await import('../../functions/core/volcengine');
    const { SIM_DEFAULT_CREDENTIALS } = await import('../../local/upstream-sim');
    const client = new AssetsClient({
      endpoint: h.sim.url,
      region: 'cn-beijing',
      projectName: 'default',
      credentials: SIM_DEFAULT_CREDENTIALS,
    });
    await client.updateAssetGroup({ id, name: 'Console group', description: 'made by hand' });
    // Act
    const res = await h.call('getGroup', { pathParameters: { groupId: id } });
    // Assess
    expect(res.body).toMatchObject({ groupId: id, managed: false, description: 'made by hand' });
    expect(JSON.stringify(res.body)).not.toContain(marker);
  });

  it.each([
    [{ pageSize: '0' }, 'pageSize'],
    [{ pageSize: '101' }, 'pageSize'],
    [{ pageSize: 'ten' }, 'pageSize'],
    [{ pageNumber: '-1' }, 'pageNumber'],
  ])('answers 400 for query %j', async (query, field) => {
    // Prepare
    const init = { query };
    // Act
    const res = await h.call('listGroups', init);
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('ValidationError');
    expect(JSON.stringify(res.body)).toContain(`"field":"${field}"`);
  });

  it('answers 503 when ListAssetGroups is throttled', async () => {
    // Prepare
    h.sim.control.setFaults([
      { action: 'ListAssetGroups', rate: 1, count: 1, kind: 'error', status: 429, code: 'FlowLimitExceeded' },
    ]);
    // Act
    const res = await h.call('listGroups');
    // Assess
    expect(res.status).toBe(503);
    expect(errorCode(res)).toBe('UpstreamThrottled');
  });
});

describe('GET /groups/{groupId}', () => {
  it('answers the group', async () => {
    // Prepare
    const id = await createGroup(h, 'Getter', 'about');
    // Act
    const res = await h.call('getGroup', { pathParameters: { groupId: id } });
    // Assess
    expect(res.status).toBe(200);
    expect(groupResponse.parse(res.body)).toMatchObject({
      groupId: id,
      name: 'Getter',
      description: 'about',
      managed: true,
    });
  });

  it('answers 404 NotFound for an unknown group', async () => {
    // Prepare
    const groupId = 'group-20990101000000-zzzzz';
    // Act
    const res = await h.call('getGroup', { pathParameters: { groupId } });
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it('answers 400 for an ID that is not a group ID, without calling upstream', async () => {
    // Prepare
    const before = h.sim.control.counters().GetAssetGroup?.calls ?? 0;
    // Act
    const res = await h.call('getGroup', { pathParameters: { groupId: '../asset-1' } });
    // Assess
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('ValidationError');
    expect(h.sim.control.counters().GetAssetGroup?.calls ?? 0).toBe(before);
  });

  it('answers 502 when GetAssetGroup fails upstream', async () => {
    // Prepare
    const id = await createGroup(h, 'Broken');
    h.sim.control.setFaults([
      { action: 'GetAssetGroup', rate: 1, count: 1, kind: 'error', status: 503, code: 'ServiceUnavailable' },
    ]);
    // Act
    const res = await h.call('getGroup', { pathParameters: { groupId: id } });
    // Assess
    expect(res.status).toBe(502);
    expect(errorCode(res)).toBe('UpstreamError');
  });
});

describe('DELETE /groups/{groupId}', () => {
  it('deletes the group and answers 204 with no body', async () => {
    // Prepare
    const id = await createGroup(h, 'Doomed');
    // Act
    const res = await h.raw('deleteGroup', { method: 'DELETE', pathParameters: { groupId: id } });
    // Assess
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(h.sim.control.groups().some((g) => g.Id === id)).toBe(false);
  });

  it('answers 409 UnmanagedGroup with a hint for a group made elsewhere, and deletes it with force=true', async () => {
    // Prepare
    const upstream = await upstreamClient(h);
    const { id } = await upstream.createAssetGroup({ name: 'Made in the console', description: 'hand-made' });
    // Act
    const refused = await h.call('deleteGroup', { method: 'DELETE', pathParameters: { groupId: id } });
    const stillThere = h.sim.control.groups().some((g) => g.Id === id);
    const notForced = await h.call('deleteGroup', {
      method: 'DELETE',
      pathParameters: { groupId: id },
      query: { force: 'false' },
    });
    const forced = await h.raw('deleteGroup', {
      method: 'DELETE',
      pathParameters: { groupId: id },
      query: { force: 'true' },
    });
    // Assess
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('UnmanagedGroup');
    expect(JSON.stringify(refused.body)).toContain('force=true');
    expect(stillThere).toBe(true);
    expect(notForced.status).toBe(409);
    expect(forced.statusCode).toBe(204);
    expect(h.sim.control.groups().some((g) => g.Id === id)).toBe(false);
  });

  it('treats a LivenessFace group as unmanaged whatever its description says', () => {
    // Prepare
    const marked = `x [managed-by:${MANAGED_TAG}]`;
    // Act
    const liveness = unmanagedReason({ description: marked, groupType: 'LivenessFace' }, MANAGED_TAG);
    const ours = unmanagedReason({ description: marked, groupType: 'AIGC' }, MANAGED_TAG);
    const console = unmanagedReason({ description: 'x', groupType: 'AIGC' }, MANAGED_TAG);
    // Assess
    expect(liveness).toContain('LivenessFace');
    expect(ours).toBeUndefined();
    expect(console).toContain('not created by this stack');
  });

  it('answers 404 for an unknown group', async () => {
    // Prepare
    const groupId = 'group-20990101000000-nope0';
    // Act
    const res = await h.call('deleteGroup', { method: 'DELETE', pathParameters: { groupId } });
    // Assess
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NotFound');
  });

  it('answers 503 when DeleteAssetGroup is throttled', async () => {
    // Prepare
    const id = await createGroup(h, 'Busy');
    h.sim.control.setFaults([
      {
        action: 'DeleteAssetGroup',
        rate: 1,
        count: 1,
        kind: 'error',
        status: 429,
        code: 'FlowLimitExceeded',
      },
    ]);
    // Act
    const res = await h.call('deleteGroup', { method: 'DELETE', pathParameters: { groupId: id } });
    // Assess
    expect(res.status).toBe(503);
    expect(h.sim.control.groups().some((g) => g.Id === id)).toBe(true);
  });
});
