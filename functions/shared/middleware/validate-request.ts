/**
 * Validates body, query string and path parameters with zod and answers 400 `ValidationError` with one
 * entry per offending field. Hand-written because @middy/validator speaks JSON Schema (ajv, ~150 kB),
 * while the project's request rules are zod schemas shared with the OpenAPI generator.
 */
import type { z } from 'zod';
import { ApiError } from '../../core/errors';
import type { ApiMiddleware } from './types';

export interface RequestSchemaSet {
  body?: z.ZodType;
  query?: z.ZodType;
  path?: z.ZodType;
}

export interface FieldProblem {
  location: 'body' | 'query' | 'path';
  /** Dotted path inside that location (`references.0.assetId`); empty for the whole body. */
  field: string;
  message: string;
}

function problems(location: FieldProblem['location'], error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ location, field: i.path.map(String).join('.'), message: i.message }));
}

export function validateRequest(schemas: RequestSchemaSet): ApiMiddleware {
  return {
    name: 'validateRequest',
    before: (request) => {
      const { event } = request;
      const found: FieldProblem[] = [];
      let body: unknown = undefined;
      let query: unknown = undefined;
      // Without a path schema the raw parameters pass as they are; with one, only what it parsed.
      let path: Record<string, string> = { ...(event.pathParameters ?? {}) } as Record<string, string>;
      if (schemas.body) {
        const r = schemas.body.safeParse(event.jsonBody);
        if (r.success) body = r.data;
        else found.push(...problems('body', r.error));
      }
      if (schemas.query) {
        const r = schemas.query.safeParse({ ...(event.queryStringParameters ?? {}) });
        if (r.success) query = r.data;
        else found.push(...problems('query', r.error));
      }
      if (schemas.path) {
        const r = schemas.path.safeParse(path);
        if (r.success) path = r.data as Record<string, string>;
        else found.push(...problems('path', r.error));
      }
      if (found.length > 0) {
        throw new ApiError(400, 'ValidationError', 'The request is invalid', found);
      }
      event.validated = { body, query, path };
    },
  };
}
