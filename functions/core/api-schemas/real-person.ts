/** Request schemas of the real-person routes (POST/GET /real-person/sessions, the public callback). */
import * as z from 'zod';
import { SESSION_ID } from '../real-person/sessions';

export const createRealPersonSessionBody = z.strictObject({
  /** Shown back on GET only; upstream names the LivenessFace group itself. */
  name: z.string().trim().min(1).max(64).optional(),
});
export type CreateRealPersonSessionBody = z.infer<typeof createRealPersonSessionBody>;

export const realPersonSessionPath = z.object({
  sessionId: z.string().regex(SESSION_ID, 'must be a real-person session ID (rps-...)'),
});

/** Loose on purpose: a bad value must reach the handler and get the HTML page, not a JSON error. */
export const realPersonCallbackQuery = z.object({
  state: z.string().max(512).optional(),
  bytedToken: z.string().max(1024).optional(),
  resultCode: z.string().max(64).optional(),
});
export type RealPersonCallbackQuery = z.infer<typeof realPersonCallbackQuery>;
