/**
 * POST /real-person/sessions: starts the vendor's liveness check (CreateVisualValidateSession) with our
 * public callback route as its CallbackURL, carrying a signed state, and records the session. The
 * answer's h5Link is for the person's phone; it is never logged.
 */
import { realPersonRoutes } from '../../lib/route-rows/real-person';
import { loadConfig } from '../core/config';
import { deriveKey } from '../core/keys';
import { startSession } from '../core/real-person';
import { apiHandler, publicApiBase } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { getCredentials } from '../shared/credentials';
import { logger } from '../shared/logger';
import { realPersonStore } from '../shared/real-person-store';

export const handler = apiHandler(realPersonRoutes.createRealPersonSession, async (req) => {
  const config = loadConfig();
  const started = await startSession(
    {
      ...(req.body.name !== undefined ? { name: req.body.name } : {}),
      apiBaseUrl: publicApiBase(req.event, config.publicApiUrl),
      // The local stack shrinks every wait by TIME_SCALE, the simulator's 30-minute token too.
      lifetimeSeconds: config.realPersonSessionSeconds * config.timeScale,
    },
    {
      validator: assetsClient(config),
      store: realPersonStore(config),
      stateKey: deriveKey((await getCredentials()).secretAccessKey, 'real-person-state'),
    },
  );
  logger.info('real-person session started', { sessionId: started.sessionId });
  return {
    body: started,
    headers: { location: `/real-person/sessions/${started.sessionId}` },
  };
});
