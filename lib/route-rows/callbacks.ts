/** Upstream callbacks: rows of the route table (lib/routes.ts composes every area in one table). */
import {
  arkCallbackPath,
  arkCallbackQuery,
  arkCallbackResponse,
} from '../../functions/core/api-schemas/callbacks';
import { defineRoutes } from './row';

export const callbackRoutes = defineRoutes({
  arkCallback: {
    method: 'POST',
    path: '/callbacks/ark/{videoId}',
    handler: 'functions/api/ark-callback.ts',
    summary:
      'Upstream task callback (Ark callback_url): signed URL, no IAM; wakes the waiting video workflow after re-fetching the task',
    access: [
      'callback:verify',
      'records:read',
      'records:write',
      'upstream',
      'video:task-response',
      'budget:use',
    ],
    // Upstream calls back once per status change of every running video: more than a person's browser.
    throttle: { rateLimit: 10, burstLimit: 20 },
    auth: 'none',
    status: 200,
    // Neither schema can fail (a forger must get the same 200 `{}` as upstream); they document the URL.
    request: { path: arkCallbackPath, query: arkCallbackQuery },
    response: arkCallbackResponse,
    errors: [],
  },
});
