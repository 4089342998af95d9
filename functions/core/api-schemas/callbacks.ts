/**
 * The upstream callback route, for the OpenAPI document. Its handler validates nothing at the edge on
 * purpose (a forger gets the same 200 `{}` as upstream): the body, a task's Get body, is only a hint.
 */
import * as z from 'zod';

export const callbackSchemas = {
  arkCallback: {
    path: z.object({ videoId: z.string() }),
    query: z.object({ sig: z.string().optional() }),
    response: z.object({}),
  },
};
