/** GET /real-person/sessions/{sessionId}: pending, passed (with the LivenessFace groupId), failed or expired. */
import { realPersonSessionPath } from '../core/api-schemas/real-person';
import { loadConfig } from '../core/config';
import { notFound } from '../core/errors';
import { sessionView } from '../core/real-person';
import { apiHandler } from '../shared/api';
import { realPersonStore } from '../shared/real-person-store';

export const handler = apiHandler(
  { name: 'getRealPersonSession', path: realPersonSessionPath },
  async ({ path }) => {
    const config = loadConfig();
    const store = realPersonStore(config);
    const record = await store.get(path.sessionId);
    if (!record) throw notFound('Real-person session', path.sessionId);
    return { status: 200, body: sessionView(record, new Date()) };
  },
);
