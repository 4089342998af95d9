/**
 * Real-person sessions: one liveness check on a person's phone (UPSTREAM.md §1 VisualValidate), from
 * POST /real-person/sessions to the callback page the person's browser lands on. The record is the only
 * state; it lives behind the SessionStore port (S3 objects today, a table row once the state table
 * exists) and never holds the vendor's BytedToken itself, only its hash, so a leaked record cannot be
 * used to fetch the result.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '../keys';
import { base32 } from '../ids';

export type SessionStatus = 'pending' | 'passed' | 'failed' | 'expired';

export interface SessionRecord {
  sessionId: string;
  name?: string;
  /** Stored status; `expired` is derived on read from `expiresAt`. */
  status: 'pending' | 'passed' | 'failed';
  createdAt: string;
  expiresAt: string;
  /** sha256 (hex) of the vendor's BytedToken: the callback must bring the token of this session. */
  tokenHash: string;
  groupId?: string;
  finishedAt?: string;
  failure?: { code: string; message: string };
}

/** The storage port; `create` refuses to overwrite (false when the ID exists). */
export interface SessionStore {
  get(sessionId: string): Promise<SessionRecord | undefined>;
  create(record: SessionRecord): Promise<boolean>;
  put(record: SessionRecord): Promise<void>;
}

export const SESSION_ID = /^rps-[0-9a-hjkmnp-tv-z]{26}$/;

export function newSessionId(random: Uint8Array = randomBytes(17)): string {
  return `rps-${base32(random).slice(0, 26)}`;
}

export const tokenHash = (bytedToken: string): string =>
  createHash('sha256').update(`byted-token\n${bytedToken}`).digest('hex');

export const tokenMatches = (record: Pick<SessionRecord, 'tokenHash'>, bytedToken: string): boolean =>
  sameSecret(record.tokenHash, tokenHash(bytedToken));

export function statusOf(record: SessionRecord, now: Date): SessionStatus {
  if (record.status === 'pending' && now.getTime() > Date.parse(record.expiresAt)) return 'expired';
  return record.status;
}

export interface SessionView {
  sessionId: string;
  name?: string;
  status: SessionStatus;
  groupId?: string;
  createdAt: string;
  expiresAt: string;
  finishedAt?: string;
  error?: { code: string; message: string; hint?: string };
}

/** What GET /real-person/sessions/{id} answers: no token, no hash. */
export function sessionView(record: SessionRecord, now: Date): SessionView {
  const status = statusOf(record, now);
  const view: SessionView = {
    sessionId: record.sessionId,
    status,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
  if (record.name !== undefined) view.name = record.name;
  if (record.groupId !== undefined) view.groupId = record.groupId;
  if (record.finishedAt !== undefined) view.finishedAt = record.finishedAt;
  if (record.failure) view.error = { ...record.failure, hint: failureHint(record.failure.code) };
  else if (status === 'expired')
    view.error = {
      code: 'SessionExpired',
      message: 'The liveness check was not completed in time',
      hint: 'Start a new session and open its link within 30 minutes.',
    };
  return view;
}

function failureHint(code: string): string {
  if (code === 'LivenessFailed')
    return 'The liveness check did not pass: start a new session, with the face well lit and the phone held still.';
  return 'Start a new session; if it keeps failing, contact support with the session ID and this code.';
}
