/**
 * The two steps of a real-person session, as use cases over ports (no AWS types):
 *   start    — CreateVisualValidateSession with our callback URL (signed state), record the session;
 *   complete — the callback: check the state and the token, ask GetVisualValidateResult for the new
 *              LivenessFace group, record the outcome. Reloading the page answers the recorded outcome.
 * The vendor's resultCode in the query only decides whether the result is worth asking for: a forged
 * "10000" still needs a token the vendor accepts, and that token must be this session's.
 */
import { isUpstreamError } from '../errors';
import {
  newSessionId,
  statusOf,
  tokenHash,
  tokenMatches,
  type SessionRecord,
  type SessionStatus,
  type SessionStore,
} from './sessions';
import { signState, verifyState } from './state';

export const CALLBACK_PATH = '/real-person/callback';
/** The vendor's resultCode of a passed check. */
export const RESULT_PASSED = '10000';

export interface VisualValidator {
  createVisualValidateSession(
    callbackUrl: string,
  ): Promise<{ bytedToken: string; h5Link: string; callbackUrl: string }>;
  getVisualValidateResult(bytedToken: string): Promise<{ groupId: string }>;
}

export interface FlowDeps {
  validator: VisualValidator;
  store: SessionStore;
  /** HMAC key of the state (keys.ts `deriveKey(…, 'real-person-state')`). */
  stateKey: Buffer;
  now?: () => Date;
}

export interface StartInput {
  name?: string;
  /** Base URL of this API as the person's browser reaches it (no trailing slash). */
  apiBaseUrl: string;
  lifetimeSeconds: number;
}

export interface StartedSession {
  sessionId: string;
  h5Link: string;
  expiresAt: string;
}

export async function startSession(input: StartInput, deps: FlowDeps): Promise<StartedSession> {
  const now = deps.now?.() ?? new Date();
  const sessionId = newSessionId();
  const callback = new URL(`${input.apiBaseUrl}${CALLBACK_PATH}`);
  callback.searchParams.set('state', signState(sessionId, deps.stateKey));
  const started = await deps.validator.createVisualValidateSession(callback.href);
  const expiresAt = new Date(now.getTime() + input.lifetimeSeconds * 1000).toISOString();
  const record: SessionRecord = {
    sessionId,
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt,
    tokenHash: tokenHash(started.bytedToken),
    ...(input.name !== undefined ? { name: input.name } : {}),
  };
  if (!(await deps.store.create(record))) throw new Error('session ID collision');
  return { sessionId, h5Link: started.h5Link, expiresAt };
}

export interface CallbackQuery {
  state?: string;
  bytedToken?: string;
  resultCode?: string;
}

/**
 * `invalid`: not a callback of ours (bad state, unknown session, another session's token).
 * `retry`: upstream could not answer now (throttled, unreachable); the session stays pending.
 */
export type CallbackOutcome =
  | { kind: 'invalid' }
  | { kind: 'retry'; sessionId: string }
  | { kind: SessionStatus; sessionId: string; groupId?: string; failure?: { code: string; message: string } };

const finished = (r: SessionRecord, now: Date): CallbackOutcome => ({
  kind: statusOf(r, now),
  sessionId: r.sessionId,
  ...(r.groupId ? { groupId: r.groupId } : {}),
  ...(r.failure ? { failure: r.failure } : {}),
});

export async function completeSession(q: CallbackQuery, deps: FlowDeps): Promise<CallbackOutcome> {
  const now = deps.now?.() ?? new Date();
  const sessionId = verifyState(q.state, deps.stateKey);
  if (!sessionId) return { kind: 'invalid' };
  const record = await deps.store.get(sessionId);
  if (!record) return { kind: 'invalid' };
  if (record.status !== 'pending' || statusOf(record, now) === 'expired') return finished(record, now);
  if (!q.bytedToken || !tokenMatches(record, q.bytedToken)) return { kind: 'invalid' };

  const done = async (patch: Partial<SessionRecord>): Promise<CallbackOutcome> => {
    const next: SessionRecord = { ...record, ...patch, finishedAt: now.toISOString() };
    await deps.store.put(next);
    return finished(next, now);
  };
  if (q.resultCode !== RESULT_PASSED)
    return done({
      status: 'failed',
      failure: {
        code: 'LivenessFailed',
        message: `The liveness check did not pass (resultCode ${String(q.resultCode ?? 'missing').slice(0, 16)})`,
      },
    });
  try {
    const { groupId } = await deps.validator.getVisualValidateResult(q.bytedToken);
    return await done({ status: 'passed', groupId });
  } catch (e) {
    if (!isUpstreamError(e)) throw e;
    if (e.retryable) return { kind: 'retry', sessionId };
    return done({
      status: 'failed',
      failure: { code: e.code, message: `The liveness result could not be read: ${e.message}` },
    });
  }
}
