/**
 * Validates path parameters, query string, headers and body with the route row's zod schemas and
 * answers 400 `ValidationError` with one entry per offending field. The handler gets the zod outputs
 * only (coerced, defaulted, trimmed), never the raw strings. Hand-written because @middy/validator
 * speaks JSON Schema (ajv, ~150 kB), while the project's request rules are zod schemas shared with the
 * OpenAPI generator.
 */
import { safeParse, type core } from 'zod/mini';
import type { RouteRequest } from '../../../lib/route-rows/row';
import { ApiError } from '../../core/errors';
import type { ApiEvent, ApiMiddleware } from './types';

export interface FieldProblem {
  location: 'body' | 'query' | 'path' | 'header';
  /** Dotted path inside that location (`references.0.assetId`); empty for the whole body. */
  field: string;
  message: string;
}

const LOCATIONS = [
  ['path', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['body', 'body'],
] as const satisfies ReadonlyArray<readonly [keyof RouteRequest, FieldProblem['location']]>;

/** Header names are case-insensitive; the routes' schemas and handlers read them in lower case. */
export function lowerCaseHeaders(
  h: Record<string, string | undefined> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function rawInput(event: ApiEvent, part: keyof RouteRequest): unknown {
  if (part === 'body') return event.jsonBody;
  if (part === 'query') return { ...(event.queryStringParameters ?? {}) };
  if (part === 'headers') return lowerCaseHeaders(event.headers);
  return { ...(event.pathParameters ?? {}) };
}

function problems(location: FieldProblem['location'], error: core.$ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ location, field: i.path.map(String).join('.'), message: i.message }));
}

export function validateRequest(schemas: RouteRequest): ApiMiddleware {
  return {
    name: 'validateRequest',
    before: (request) => {
      const { event } = request;
      const found: FieldProblem[] = [];
      const out: Partial<Record<keyof RouteRequest, unknown>> = {};
      for (const [part, location] of LOCATIONS) {
        const schema = schemas[part];
        if (!schema) continue;
        const r = safeParse(schema, rawInput(event, part));
        if (r.success) out[part] = r.data;
        else found.push(...problems(location, r.error));
      }
      if (found.length > 0) throw new ApiError('ValidationError', undefined, found);
      // Without a path schema the raw parameters pass as they are (a route without IDs in its path).
      event.validated = {
        body: out.body,
        query: out.query,
        path: (schemas.path ? out.path : { ...(event.pathParameters ?? {}) }) as Record<string, unknown>,
        headers: (out.headers ?? {}) as Record<string, unknown>,
      };
    },
  };
}
