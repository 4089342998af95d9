/** Request schemas of the real-person routes (POST/GET /real-person/sessions, the public callback). */
import * as z from 'zod/mini';
import '../zod-messages';
import { SESSION_ID } from '../real-person/sessions';

export const createRealPersonSessionBody = z.strictObject({
  /** Shown back on GET only; upstream names the LivenessFace group itself. */
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
});
export type CreateRealPersonSessionBody = z.infer<typeof createRealPersonSessionBody>;

export const realPersonSessionPath = z.object({
  sessionId: z.string().check(z.regex(SESSION_ID, 'must be a real-person session ID (rps-...)')),
});

/** Loose on purpose: a bad value must reach the handler and get the HTML page, not a JSON error. */
export const realPersonCallbackQuery = z.object({
  state: z.optional(z.string().check(z.maxLength(512))),
  bytedToken: z.optional(z.string().check(z.maxLength(1024))),
  resultCode: z.optional(z.string().check(z.maxLength(64))),
});
export type RealPersonCallbackQuery = z.infer<typeof realPersonCallbackQuery>;
