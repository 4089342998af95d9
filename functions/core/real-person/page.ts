/**
 * The plain HTML page the person's browser shows after the liveness check. It says what happened and
 * what to do next; it never echoes the token, the state or any query value.
 */
import type { CallbackOutcome } from './flow';

const TEXT: Record<CallbackOutcome['kind'], { title: string; body: string; status: number }> = {
  passed: {
    title: 'Verified',
    body: 'The liveness check passed. You can close this page; the character is ready for its photos.',
    status: 200,
  },
  failed: {
    title: 'Not verified',
    body: 'The liveness check did not pass. Ask for a new link and try again in good light.',
    status: 200,
  },
  expired: {
    title: 'Link expired',
    body: 'This liveness check has expired. Ask for a new link.',
    status: 410,
  },
  retry: {
    title: 'One moment',
    body: 'The result is not available yet. Reload this page in a few seconds.',
    status: 503,
  },
  pending: {
    title: 'Not finished',
    body: 'The liveness check has not finished. Go back to the check and complete it.',
    status: 409,
  },
  invalid: {
    title: 'Not a valid link',
    body: 'This page was opened with a link that is not valid. Ask for a new link.',
    status: 400,
  },
};

export function resultPage(outcome: CallbackOutcome): { status: number; html: string } {
  const t = TEXT[outcome.kind];
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta name="robots" content="noindex"><title>${t.title}</title></head>` +
    `<body><main><h1>${t.title}</h1><p>${t.body}</p></main></body></html>`;
  return { status: t.status, html };
}
