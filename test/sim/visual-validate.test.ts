// The simulator's real-person liveness check (UPSTREAM.md §1): a session with an H5 link, a page with
// pass and fail buttons that redirects to the CallbackURL with bytedToken and resultCode, a result that
// comes without the envelope, a token that works once and lasts 30 minutes (scaled), a LivenessFace group
// on pass that takes uploads (FaceMismatch can be forced), and 3 QPS for both actions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { settledAsset, volcCall, volcOk } from './helpers/clients';
import { startFileServer, type FileServer } from './helpers/file-server';
import { png } from './helpers/images';

let sim: Simulator;
let files: FileServer;
const CALLBACK = 'https://app.example/real-person/callback?state=abc';

beforeAll(async () => {
  // timeScale 0.0005: the 30-minute token lasts 0.9 s; the QPS buckets are 0.5 ms wide, so unlimited here.
  sim = await startSimulator({ port: 0, timeScale: 0.0005, seed: 11, tier: 'premium' });
  files = await startFileServer({ '/face.png': { body: png(600, 800), contentType: 'image/png' } });
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

async function session() {
  const r = await volcOk(sim, 'CreateVisualValidateSession', { CallbackURL: CALLBACK });
  return r as { BytedToken: string; H5Link: string; CallbackURL: string };
}

async function choose(h5Link: string, token: string, result: 'pass' | 'fail') {
  return fetch(new URL('/_h5/visual-validate', h5Link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, result }).toString(),
    redirect: 'manual',
  });
}

const result = (token: string) => volcCall(sim, 'GetVisualValidateResult', { BytedToken: token });

describe('real-person liveness check in the simulator', () => {
  it('redirects a pass to the CallbackURL and answers a new LivenessFace group, bare, once', async () => {
    // Arrange
    const s = await session();
    const page = await fetch(s.H5Link);
    const html = await page.text();
    // Act
    const submitted = await choose(s.H5Link, s.BytedToken, 'pass');
    const first = await result(s.BytedToken);
    const second = await result(s.BytedToken);
    // Assess
    expect(s.CallbackURL).toBe(CALLBACK);
    expect(html).toContain('value="pass"');
    expect(html).toContain('value="fail"');
    expect(submitted.status).toBe(303);
    const next = new URL(submitted.headers.get('location') ?? '');
    expect(next.searchParams.get('state')).toBe('abc');
    expect(next.searchParams.get('bytedToken')).toBe(s.BytedToken);
    expect(next.searchParams.get('resultCode')).toBe('10000');
    // As seen live: no ResponseMetadata, no Result, just the field.
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ GroupId: expect.stringMatching(/^group-\d{14}-/) });
    expect(second.status).toBe(400);
    expect(second.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.BytedToken');
    expect(second.body.ResponseMetadata.Error?.Message).toContain('already used');
    const groupId = (first.body as unknown as { GroupId: string }).GroupId;
    const group = await volcOk(sim, 'GetAssetGroup', { Id: groupId });
    expect(group.GroupType).toBe('LivenessFace');
  });

  it('takes uploads into the LivenessFace group, and fails a forced FaceMismatch', async () => {
    // Arrange
    const s = await session();
    await choose(s.H5Link, s.BytedToken, 'pass');
    const groupId = ((await result(s.BytedToken)).body as unknown as { GroupId: string }).GroupId;
    // Act
    const ok = await volcOk(sim, 'CreateAsset', {
      GroupId: groupId,
      URL: files.url('/face.png'),
      AssetType: 'Image',
    });
    sim.control.forceAssetFailure('FaceMismatch');
    const bad = await volcOk(sim, 'CreateAsset', {
      GroupId: groupId,
      URL: files.url('/face.png'),
      AssetType: 'Image',
    });
    sim.control.forceAssetFailure(null);
    // Assess
    expect(await settledAsset(sim, ok.Id ?? '')).toMatchObject({ Status: 'Active', GroupId: groupId });
    expect(await settledAsset(sim, bad.Id ?? '')).toMatchObject({
      Status: 'Failed',
      Error: { Code: 'FaceMismatch' },
    });
    const listed = await volcOk(sim, 'ListAssets', {
      Filter: { GroupType: 'LivenessFace', GroupIds: [groupId] },
    });
    expect((listed.Items as unknown[]).length).toBe(2);
  });

  it('redirects a fail with another resultCode, and gives no group for it', async () => {
    // Act
    const s = await session();
    const submitted = await choose(s.H5Link, s.BytedToken, 'fail');
    const r = await result(s.BytedToken);
    // Assess
    expect(new URL(submitted.headers.get('location') ?? '').searchParams.get('resultCode')).not.toBe('10000');
    expect(r.status).toBe(400);
    expect(r.body.ResponseMetadata.Error?.Message).toContain('did not pass');
  });

  it('expires the token after 30 minutes (scaled): page gone, no result', async () => {
    // Arrange
    const s = await session();
    // Act
    await new Promise((r) => setTimeout(r, 1_000));
    const page = await fetch(s.H5Link);
    const late = await choose(s.H5Link, s.BytedToken, 'pass');
    const r = await result(s.BytedToken);
    // Assess
    expect(page.status).toBe(404);
    expect(late.status).toBe(410);
    expect(r.body.ResponseMetadata.Error?.Message).toContain('expired');
  });

  it('refuses a CallbackURL that is not http(s)', async () => {
    // Act
    const r = await volcCall(sim, 'CreateVisualValidateSession', { CallbackURL: 'javascript:alert(1)' });
    // Assess
    expect(r.status).toBe(400);
    expect(r.body.ResponseMetadata.Error?.Code).toBe('InvalidParameter.CallbackURL');
  });
});

describe('the 3 QPS of the real-person actions', () => {
  it('throttles the fourth call within a second, for both actions', async () => {
    // Arrange: an unscaled simulator, where a second is a second.
    const slow = await startSimulator({
      port: 0,
      timeScale: 1,
      seed: 3,
      throttleMix: { http429: 1, http200: 0, quota429: 0 },
    });
    try {
      // Act
      const creates = await Promise.all(
        Array.from({ length: 4 }, () =>
          volcCall(slow, 'CreateVisualValidateSession', { CallbackURL: CALLBACK }),
        ),
      );
      const gets = await Promise.all(
        Array.from({ length: 4 }, () => volcCall(slow, 'GetVisualValidateResult', { BytedToken: 'nope' })),
      );
      // Assess
      expect(creates.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
      expect(gets.map((r) => r.status).sort()).toEqual([400, 400, 400, 429]);
    } finally {
      await slow.close();
    }
  });
});
