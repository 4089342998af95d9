import { z } from 'zod';
export const handler = (x: unknown) => z.object({ a: z.coerce.number().int().min(1).default(3), b: z.url() }).safeParse(x);
