/**
 * GET /real-person/callback (public, `auth: 'none'`): where the person's browser lands after the
 * liveness check, `?state=<signed session ID>&bytedToken=…&resultCode=…`. The state is verified before
 * anything else; the answer is always a plain HTML page, never JSON, and never echoes a query value.
 * The token and state are not logged (the request log writes no query string).
 */
import { realPersonRoutes } from '../../lib/route-rows/real-person';
import { loadConfig } from '../core/config';
import { deriveKey } from '../core/keys';
import { completeSession, resultPage, type CallbackOutcome } from '../core/real-person';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { getCredentials } from '../shared/credentials';
import { logger } from '../shared/logger';
import { realPersonStore } from '../shared/real-person-store';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'",
  'x-content-type-options': 'nosniff',
};

export const handler = apiHandler(realPersonRoutes.realPersonCallback, async ({ query }) => {
  const config = loadConfig();
  let outcome: CallbackOutcome;
  try {
    outcome = await completeSession(query, {
      validator: assetsClient(config),
      store: realPersonStore(config),
      stateKey: deriveKey((await getCredentials()).secretAccessKey, 'real-person-state'),
    });
  } catch (e) {
    logger.error('real-person callback failed', { error: e instanceof Error ? e.name : 'Error' });
    outcome = { kind: 'retry', sessionId: '' };
  }
  logger.info('real-person callback', {
    outcome: outcome.kind,
    ...('sessionId' in outcome && outcome.sessionId ? { sessionId: outcome.sessionId } : {}),
    ...('failure' in outcome && outcome.failure ? { code: outcome.failure.code } : {}),
  });
  const page = resultPage(outcome);
  return { status: page.status, rawBody: page.html, headers: HTML_HEADERS };
});
