/** Request headers the routes read, by lower-case name (the API handler lower-cases every header). */
import * as z from 'zod/mini';
import '../zod-messages';
import { IDEMPOTENCY_KEY } from '../ids';

/** POST /groups and POST /videos: a replay with the same key and body answers what the first made. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .optional(
      z
        .string()
        .check(z.regex(IDEMPOTENCY_KEY, 'must be 1–255 visible ASCII characters (a UUID is a good choice)')),
    )
    .check(
      z.describe('Makes the request safe to retry: the same key and body answer what the first request made'),
    ),
});
