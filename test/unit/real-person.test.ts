// The real-person use cases over an in-memory SessionStore and a scripted validator: the signed state,
// the session's own token, the outcomes recorded once, retries that keep the session pending, expiry;
// and the assets client reading GetVisualValidateResult with and without the envelope.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';
import { deriveKey } from '../../functions/core/keys';
import {
  completeSession,
  resultPage,
  sessionView,
  signState,
  startSession,
  verifyState,
  type SessionRecord,
  type SessionStore,
  type VisualValidator,
} from '../../functions/core/real-person';
import { AssetsClient } from '../../functions/core/volcengine';

const KEY = deriveKey('secret-key', 'real-person-state');
const T0 = new Date('2026-12-02T03:00:00Z');

function memoryStore(): SessionStore & { records: Map<string, SessionRecord> } {
  const records = new Map<string, SessionRecord>();
  return {
    records,
    get: (id) => Promise.resolve(records.has(id) ? structuredClone(records.get(id)) : undefined),
    create: (r) => {
      if (records.has(r.sessionId)) return Promise.resolve(false);
      records.set(r.sessionId, structuredClone(r));
      return Promise.resolve(true);
    },
    put: (r) => {
      records.set(r.sessionId, structuredClone(r));
      return Promise.resolve();
    },
  };
}

function validator(result: () => Promise<{ groupId: string }>) {
  const seen: string[] = [];
  const v: VisualValidator & { seen: string[]; gets: number } = {
    seen,
    gets: 0,
    createVisualValidateSession: (callbackUrl) => {
      seen.push(callbackUrl);
      return Promise.resolve({ bytedToken: 'tok-1', h5Link: 'https://h5.example/x', callbackUrl });
    },
    getVisualValidateResult: () => {
      v.gets += 1;
      return result();
    },
  };
  return v;
}

async function started(v: VisualValidator, store = memoryStore()) {
  const s = await startSession(
    { apiBaseUrl: 'https://api.example/v1', lifetimeSeconds: 1800, name: 'Ada' },
    { validator: v, store, stateKey: KEY, now: () => T0 },
  );
  return { s, store };
}

const stateOf = (callbackUrl: string) => new URL(callbackUrl).searchParams.get('state') ?? '';

describe('real-person sessions', () => {
  it('signs the state of the callback URL and refuses any change to it', () => {
    // Act
    const state = signState('rps-0123456789abcdefghjkmnpqrs', KEY);
    // Assess
    expect(verifyState(state, KEY)).toBe('rps-0123456789abcdefghjkmnpqrs');
    expect(verifyState(state.replace('rps-0', 'rps-1'), KEY)).toBeUndefined();
    expect(verifyState(`${state.slice(0, -1)}A`, KEY)).toBeUndefined();
    expect(verifyState(state, deriveKey('another secret', 'real-person-state'))).toBeUndefined();
    expect(verifyState(undefined, KEY)).toBeUndefined();
  });

  it('starts with our callback route and records only the hash of the token', async () => {
    // Act
    const v = validator(() => Promise.resolve({ groupId: 'group-1' }));
    const { s, store } = await started(v);
    // Assess
    const cb = new URL(v.seen[0] ?? '');
    expect(`${cb.origin}${cb.pathname}`).toBe('https://api.example/v1/real-person/callback');
    expect(verifyState(stateOf(cb.href), KEY)).toBe(s.sessionId);
    expect(s.expiresAt).toBe('2026-12-02T03:30:00.000Z');
    expect(JSON.stringify([...store.records.values()])).not.toContain('tok-1');
  });

  it('records a pass once and answers a reload without asking upstream again', async () => {
    // Arrange
    const v = validator(() => Promise.resolve({ groupId: 'group-live' }));
    const { s, store } = await started(v);
    const q = { state: stateOf(v.seen[0] ?? ''), bytedToken: 'tok-1', resultCode: '10000' };
    const deps = { validator: v, store, stateKey: KEY, now: () => T0 };
    // Act
    const first = await completeSession(q, deps);
    const reload = await completeSession(q, deps);
    // Assess
    expect(first).toMatchObject({ kind: 'passed', groupId: 'group-live' });
    expect(reload).toEqual(first);
    expect(v.gets).toBe(1);
    expect(sessionView((await store.get(s.sessionId)) as SessionRecord, T0)).toMatchObject({
      status: 'passed',
      groupId: 'group-live',
      name: 'Ada',
    });
  });

  it("refuses another session's token and a forged resultCode never skips the upstream check", async () => {
    // Arrange
    const v = validator(() =>
      Promise.reject(
        new UpstreamError({
          service: 'volcengine',
          code: 'InvalidParameter.BytedToken',
          status: 400,
          message: 'no',
        }),
      ),
    );
    const { s, store } = await started(v);
    const deps = { validator: v, store, stateKey: KEY, now: () => T0 };
    const state = stateOf(v.seen[0] ?? '');
    // Act
    const wrong = await completeSession({ state, bytedToken: 'tok-2', resultCode: '10000' }, deps);
    const forged = await completeSession({ state, bytedToken: 'tok-1', resultCode: '10000' }, deps);
    // Assess
    expect(wrong).toEqual({ kind: 'invalid' });
    expect(forged).toMatchObject({ kind: 'failed', failure: { code: 'InvalidParameter.BytedToken' } });
    expect((await store.get(s.sessionId))?.status).toBe('failed');
  });

  it('keeps the session pending when upstream is throttled, so a reload can finish it', async () => {
    // Arrange
    let calls = 0;
    const v = validator(() => {
      calls += 1;
      if (calls === 1)
        return Promise.reject(
          new UpstreamError({
            service: 'volcengine',
            code: 'AccountFlowLimitExceeded',
            status: 429,
            message: 'slow',
          }),
        );
      return Promise.resolve({ groupId: 'group-2' });
    });
    const { s, store } = await started(v);
    const deps = { validator: v, store, stateKey: KEY, now: () => T0 };
    const q = { state: stateOf(v.seen[0] ?? ''), bytedToken: 'tok-1', resultCode: '10000' };
    // Act
    const first = await completeSession(q, deps);
    const pending = (await store.get(s.sessionId))?.status;
    const second = await completeSession(q, deps);
    // Assess
    expect(first).toEqual({ kind: 'retry', sessionId: s.sessionId });
    expect(resultPage(first).status).toBe(503);
    expect(pending).toBe('pending');
    expect(second).toMatchObject({ kind: 'passed', groupId: 'group-2' });
  });

  it('expires an unfinished session and ignores a late callback', async () => {
    // Arrange
    const v = validator(() => Promise.resolve({ groupId: 'group-late' }));
    const { s, store } = await started(v);
    const late = new Date(T0.getTime() + 1801_000);
    // Act
    const outcome = await completeSession(
      { state: stateOf(v.seen[0] ?? ''), bytedToken: 'tok-1', resultCode: '10000' },
      { validator: v, store, stateKey: KEY, now: () => late },
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'expired' });
    expect(v.gets).toBe(0);
    expect(sessionView((await store.get(s.sessionId)) as SessionRecord, late)).toMatchObject({
      status: 'expired',
      error: { code: 'SessionExpired' },
    });
  });
});

describe('GetVisualValidateResult answers', () => {
  const client = (json: unknown) =>
    new AssetsClient({
      endpoint: 'https://open.volcengineapi.com',
      region: 'cn-beijing',
      projectName: 'default',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      fetch: () =>
        Promise.resolve(
          new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } }),
        ),
    });

  it.each([
    ['without the envelope, as seen live', { GroupId: 'group-bare' }, 'group-bare'],
    [
      'inside the usual envelope',
      { ResponseMetadata: { RequestId: 'r1' }, Result: { GroupId: 'group-wrapped' } },
      'group-wrapped',
    ],
  ])('reads the group %s', async (_name, json, groupId) => {
    // Act / Assess
    await expect(client(json).getVisualValidateResult('tok')).resolves.toEqual({ groupId });
  });

  it('calls an answer without GroupId malformed', async () => {
    // Act / Assess
    await expect(
      client({ ResponseMetadata: { RequestId: 'r' } }).getVisualValidateResult('t'),
    ).rejects.toMatchObject({
      code: 'MalformedResponse',
    });
  });
});
