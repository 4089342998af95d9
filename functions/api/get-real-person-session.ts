/** GET /real-person/sessions/{sessionId}: pending, passed (with the LivenessFace groupId), failed or expired. */
import { realPersonRoutes } from '../../lib/route-rows/real-person';
import { loadConfig } from '../core/config';
import { notFound } from '../core/errors';
import { sessionView } from '../core/real-person';
import { apiHandler } from '../shared/api';
import { realPersonStore } from '../shared/real-person-store';

export const handler = apiHandler(realPersonRoutes.getRealPersonSession, async ({ path }) => {
  const config = loadConfig();
  const store = realPersonStore(config);
  const record = await store.get(path.sessionId);
  if (!record) throw notFound('real-person session', path.sessionId);
  return { body: sessionView(record, new Date()) };
});
