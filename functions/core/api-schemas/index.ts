/**
 * Every route's request schemas (and, optionally, its answer's) by route name (lib/routes.ts).
 * Handlers import their own schema file; the OpenAPI generator reads this table. One spread per schema
 * file: add yours on its own line.
 */
import type { z } from 'zod';
import { callbackSchemas } from './callbacks';
import { groupSchemas } from './groups';
import { realPersonSchemas } from './real-person';
import { uploadSchemas } from './uploads';
import { videoSchemas } from './videos';

export interface RouteSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  path?: z.ZodType;
  /** The success answer's body, for OpenAPI only (optional). */
  response?: z.ZodType;
}

export const requestSchemas: Record<string, RouteSchemas> = {
  ...groupSchemas,
  ...realPersonSchemas,
  ...uploadSchemas,
  ...videoSchemas,
  ...callbackSchemas,
};
