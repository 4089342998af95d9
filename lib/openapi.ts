/**
 * Generates openapi.json (OpenAPI 3.0, what API Gateway imports) from the route rows alone: each row
 * carries its request schemas, success status and error codes (lib/routes.ts), and every code's status
 * and meaning comes from the error catalogue (functions/core/errors.ts). `npm run openapi` rewrites the
 * file; a test fails when the checked-in file differs from what this generates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJSONSchema, type core } from 'zod/mini';
import { API_ERRORS, type ApiErrorCode } from '../functions/core/errors';
import { errorCodesOf, isPublicRoute, routes as defaultRoutes, type Route } from './routes';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = path.join(REPO_ROOT, 'openapi.json');

type Json = Record<string, unknown>;

function jsonSchema(schema: core.$ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

function objectProperties(schema: core.$ZodType | undefined): {
  props: Record<string, Json>;
  required: Set<string>;
} {
  if (!schema) return { props: {}, required: new Set() };
  const s = jsonSchema(schema, 'input');
  return {
    props: (s.properties ?? {}) as Record<string, Json>,
    required: new Set((s.required ?? []) as string[]),
  };
}

/** One response per error status, naming every code of that status the route can answer (`x-error-codes`). */
function errorResponses(r: Route): Json {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of errorCodesOf(r)) {
    const { status } = API_ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b))
    out[String(status)] = {
      description: codes.map((c) => `${c}: ${API_ERRORS[c].description}`).join('\n'),
      'x-error-codes': codes,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  return out;
}

function operation(r: Route): Json {
  const s = r.request ?? {};
  const pathNames = [...r.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');
  const pathProps = objectProperties(s.path).props;
  const query = objectProperties(s.query);
  const headers = objectProperties(s.headers);
  const parameters: Json[] = [
    ...pathNames.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: pathProps[name] ?? { type: 'string' },
    })),
    ...Object.entries(query.props).map(([name, schema]) => ({
      name,
      in: 'query',
      required: query.required.has(name),
      schema,
    })),
    ...Object.entries(headers.props).map(([name, schema]) => ({
      name: headerName(name),
      in: 'header',
      required: headers.required.has(name),
      schema,
    })),
  ];
  const success: Json = { description: r.summary };
  if (r.status !== 204)
    success.content =
      r.responseType === 'text/html'
        ? { 'text/html': { schema: { type: 'string' } } }
        : {
            'application/json': {
              schema: r.response ? jsonSchema(r.response, 'output') : { type: 'object' },
            },
          };
  const op: Json = { operationId: r.name, summary: r.summary, tags: [tagOf(r.path)] };
  if (parameters.length > 0) op.parameters = parameters;
  if (s.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(s.body, 'input') } },
    };
  op.responses = { [String(r.status)]: success, ...errorResponses(r) };
  // A public route (`auth: 'none'`) has no authorizer: it proves itself with its signed query.
  if (isPublicRoute(r)) op.security = [];
  return op;
}

/** `idempotency-key` → `Idempotency-Key`, as people write it (HTTP compares names case-insensitively). */
function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
}

function tagOf(p: string): string {
  return p.split('/')[1] ?? 'api';
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: "One of the response's x-error-codes" },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

export function buildOpenApi(routes: readonly Route[] = defaultRoutes): Json {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
    description: string;
  };
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    paths[r.path] ??= {};
    (paths[r.path] as Json)[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.0.3',
    info: { title: 'seedance-stack', version: pkg.version, description: pkg.description },
    servers: [
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/v1',
        variables: { restApiId: { default: 'example' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ sigv4: [] }],
    paths,
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: { Error: errorSchema },
    },
  };
}

export function renderOpenApi(doc: Json = buildOpenApi()): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = renderOpenApi();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (current !== text) {
      console.error('openapi.json is out of date: run `npm run openapi`');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
  }
}
