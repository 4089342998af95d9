/**
 * The `state` of the public callback URL: the session ID and an HMAC of it under a key derived from the
 * stack secret (keys.ts), compared in constant time. It is what makes the public route safe to expose:
 * a forged or altered state is refused before anything is read or called.
 */
import { hmacBase64url, sameSecret } from '../keys';
import { SESSION_ID } from './sessions';

const label = (sessionId: string) => `real-person-state\n${sessionId}`;

export function signState(sessionId: string, key: Buffer): string {
  return `${sessionId}.${hmacBase64url(key, label(sessionId))}`;
}

/** The session ID of a genuine state, else undefined. */
export function verifyState(state: string | undefined, key: Buffer): string | undefined {
  if (!state || state.length > 200) return undefined;
  const dot = state.indexOf('.');
  const sessionId = state.slice(0, dot);
  if (dot < 0 || !SESSION_ID.test(sessionId)) return undefined;
  return sameSecret(state.slice(dot + 1), hmacBase64url(key, label(sessionId))) ? sessionId : undefined;
}
