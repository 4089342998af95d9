/**
 * The upstream callback route's schemas. Its handler refuses nothing at the edge on purpose (a forger
 * gets the same 200 `{}` as upstream), so neither can fail: a path parameter is always a string and
 * `sig` is optional. The body, a task's Get body, is only a hint and is parsed by the handler.
 */
import * as z from 'zod/mini';
import '../zod-messages';

export const arkCallbackPath = z.object({ videoId: z.string() });
export const arkCallbackQuery = z.object({ sig: z.optional(z.string()) });
export const arkCallbackResponse = z.object({});
