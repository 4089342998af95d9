/**
 * The real-person liveness check (UPSTREAM.md §1, CreateVisualValidateSession / GetVisualValidateResult):
 * a session hands out a BytedToken and an H5 link; the person opens the link on a phone (here: a page
 * with "pass" and "fail" buttons, served by the simulator) and the browser lands on
 * `CallbackURL?bytedToken=…&resultCode=…` (10000 = passed). GetVisualValidateResult then answers the new
 * `LivenessFace` group, once: the token lasts 30 minutes (× timeScale) and works a single time. Live, that
 * answer came WITHOUT the ResponseMetadata/Result envelope; server.ts sends it that way.
 *
 * Codes for a failed, used or expired token are not published; ours are InvalidParameter.BytedToken with
 * a message saying which [guess].
 */
import { randomBytes } from 'node:crypto';
import { invalidParameter, missingParameter, SimVolcError } from './errors';

export const VISUAL_VALIDATE_ACTIONS = ['CreateVisualValidateSession', 'GetVisualValidateResult'] as const;
export type VisualValidateAction = (typeof VISUAL_VALIDATE_ACTIONS)[number];
export const isVisualValidateAction = (a: string): a is VisualValidateAction =>
  (VISUAL_VALIDATE_ACTIONS as readonly string[]).includes(a);

/** The page the person opens, and where its buttons post. */
export const H5_PATH = '/_h5/visual-validate';
export const RESULT_PASSED = '10000';
/** A failed liveness check: not published; any code but 10000 means "not passed" [guess]. */
export const RESULT_FAILED = '10001';
export const TOKEN_LIFETIME_MS = 30 * 60_000;

interface Session {
  token: string;
  callbackUrl: string;
  projectName: string;
  createdAt: number;
  expiresAt: number;
  result?: 'passed' | 'failed';
  /** Set once GetVisualValidateResult answered: the token is spent. */
  used: boolean;
  groupId?: string;
}

export interface VisualValidateDeps {
  baseUrl: () => string;
  timeScale: () => number;
  /** Creates the LivenessFace group of a passed check; returns its ID. */
  createLivenessGroup: (projectName: string) => string;
  now?: () => number;
}

type Body = Record<string, unknown>;

const tokenError = (why: string) =>
  new SimVolcError('InvalidParameter.BytedToken', `The BytedToken ${why}.`, 400);

export class VisualValidateStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: VisualValidateDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  run(action: VisualValidateAction, body: Body): Record<string, unknown> {
    return action === 'CreateVisualValidateSession' ? this.create(body) : this.result(body);
  }

  private create(body: Body): Record<string, unknown> {
    const raw = body.CallbackURL;
    if (raw === undefined || raw === null || raw === '') throw missingParameter('CallbackURL');
    if (typeof raw !== 'string' || raw.length > 2048) throw invalidParameter('CallbackURL', 'must be a URL');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalidParameter('CallbackURL', 'must be an http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw invalidParameter('CallbackURL', 'must be an http(s) URL');
    const token = randomBytes(24).toString('base64url');
    const now = this.now();
    const project = typeof body.ProjectName === 'string' && body.ProjectName ? body.ProjectName : 'default';
    this.sessions.set(token, {
      token,
      callbackUrl: raw,
      projectName: project,
      createdAt: now,
      expiresAt: now + TOKEN_LIFETIME_MS * this.deps.timeScale(),
      used: false,
    });
    const h5 = new URL(H5_PATH, this.deps.baseUrl());
    h5.searchParams.set('token', token);
    return { BytedToken: token, CallbackURL: raw, H5Link: h5.href };
  }

  private result(body: Body): Record<string, unknown> {
    const token = body.BytedToken;
    if (token === undefined || token === null || token === '') throw missingParameter('BytedToken');
    if (typeof token !== 'string') throw invalidParameter('BytedToken', 'must be a string');
    const s = this.sessions.get(token);
    if (!s) throw tokenError('is not valid');
    if (this.now() > s.expiresAt) throw tokenError('has expired (it lasts 30 minutes)');
    if (s.used) throw tokenError('was already used (it works once)');
    if (s.result === undefined) throw tokenError('has no result yet: the liveness check was not completed');
    s.used = true;
    if (s.result === 'failed') throw tokenError('belongs to a liveness check that did not pass');
    s.groupId ??= this.deps.createLivenessGroup(s.projectName);
    return { GroupId: s.groupId };
  }

  /** The H5 page: GET shows the buttons, POST records the person's choice and redirects. */
  page(token: string | null): { status: number; html: string } {
    const s = token ? this.sessions.get(token) : undefined;
    if (!s || this.now() > s.expiresAt)
      return {
        status: 404,
        html: htmlPage('Liveness check', '<p>This link is not valid or has expired.</p>'),
      };
    const form = (result: string, label: string) =>
      `<form method="post" action="${H5_PATH}"><input type="hidden" name="token" value="${escapeHtml(s.token)}">` +
      `<input type="hidden" name="result" value="${result}"><button type="submit">${label}</button></form>`;
    return {
      status: 200,
      html: htmlPage(
        'Liveness check (simulator)',
        '<p>Look at the camera and follow the prompts.</p>' +
          form('pass', 'Pass the liveness check') +
          form('fail', 'Fail the liveness check'),
      ),
    };
  }

  /** Records the choice; returns where the browser goes next (the CallbackURL), or undefined. */
  submit(token: string, result: string): string | undefined {
    const s = this.sessions.get(token);
    if (!s || this.now() > s.expiresAt || s.result !== undefined) return undefined;
    if (result !== 'pass' && result !== 'fail') return undefined;
    s.result = result === 'pass' ? 'passed' : 'failed';
    const next = new URL(s.callbackUrl);
    next.searchParams.set('bytedToken', s.token);
    next.searchParams.set('resultCode', s.result === 'passed' ? RESULT_PASSED : RESULT_FAILED);
    return next.href;
  }

  snapshot(): Record<string, unknown>[] {
    return [...this.sessions.values()].map((s) => ({
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      result: s.result ?? null,
      used: s.used,
      groupId: s.groupId ?? null,
    }));
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}
