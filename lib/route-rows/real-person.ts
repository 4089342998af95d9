/** Real-person characters (liveness check): rows of the route table (lib/routes.ts composes every area in one table). */
import {
  createRealPersonSessionBody,
  realPersonCallbackQuery,
  realPersonSessionPath,
} from '../../functions/core/api-schemas/real-person';
import { defineRoutes } from './row';

export const realPersonRoutes = defineRoutes({
  createRealPersonSession: {
    method: 'POST',
    path: '/real-person/sessions',
    handler: 'functions/api/create-real-person-session.ts',
    summary: "Start a real-person liveness check on the person's phone (a LivenessFace character)",
    access: ['upstream', 'records:write'],
    status: 201,
    request: { body: createRealPersonSessionBody },
    errors: [],
  },
  getRealPersonSession: {
    method: 'GET',
    path: '/real-person/sessions/{sessionId}',
    handler: 'functions/api/get-real-person-session.ts',
    summary: 'Status of a real-person session: pending, passed (with its groupId), failed or expired',
    access: ['records:read'],
    status: 200,
    request: { path: realPersonSessionPath },
    errors: ['NotFound'],
  },
  realPersonCallback: {
    method: 'GET',
    path: '/real-person/callback',
    handler: 'functions/api/real-person-callback.ts',
    summary: "Where the person's browser lands after the liveness check (public; signed state); an HTML page",
    access: ['upstream', 'records:read', 'records:write'],
    auth: 'none',
    status: 200,
    responseType: 'text/html',
    request: { query: realPersonCallbackQuery },
    errors: [],
  },
});
