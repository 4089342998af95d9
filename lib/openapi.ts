/**
 * Generates openapi.json (OpenAPI 3.0, what API Gateway imports) from the route table and the zod
 * schemas in functions/core/api-schemas. `npm run openapi` rewrites the file; a test fails when the
 * checked-in file differs from what this generates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { requestSchemas, type RouteSchemas } from '../functions/core/api-schemas';
import { isPublicRoute, routes as defaultRoutes, type Route } from './routes';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = path.join(REPO_ROOT, 'openapi.json');

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

function objectProperties(schema: z.ZodType | undefined): {
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

export function successStatus(r: Route): number {
  if (r.status !== undefined) return r.status;
  return r.method === 'GET' ? 200 : r.method === 'POST' ? 201 : 204;
}

const ERROR_RESPONSES: Record<string, { ref: string; description: string }> = {
  '400': {
    ref: 'BadRequest',
    description: 'ValidationError or InvalidJson; other upstream 4xx keep their code (and status)',
  },
  '403': { ref: 'Forbidden', description: 'Missing or invalid SigV4 signature, or IAM denies the call' },
  '404': {
    ref: 'NotFound',
    description:
      "NotFound: no such group, asset, upload or video (upstream's NotFound.* in details.upstreamCode)",
  },
  '429': { ref: 'Throttled', description: 'Stage throttling' },
  '500': { ref: 'InternalError', description: 'InternalError (no detail is exposed)' },
  '502': {
    ref: 'UpstreamError',
    description:
      'UpstreamError (upstream 5xx or an unreadable answer) or UpstreamCredentialsRejected (upstream refused our AK/SK or token)',
  },
  '503': { ref: 'UpstreamThrottled', description: 'Upstream throttling; retry after Retry-After' },
  '504': { ref: 'UpstreamTimeout', description: 'Upstream timeout or unreachable' },
};

function operation(r: Route, s: RouteSchemas): Json {
  const pathNames = [...r.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');
  const pathProps = objectProperties(s.path).props;
  const query = objectProperties(s.query);
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
  ];
  const status = successStatus(r);
  const success: Json = { description: r.summary };
  if (status !== 204)
    success.content =
      r.responseType === 'text/html'
        ? { 'text/html': { schema: { type: 'string' } } }
        : {
            'application/json': {
              schema: s.response ? jsonSchema(s.response, 'output') : { type: 'object' },
            },
          };
  const responses: Json = { [String(status)]: success };
  for (const [code, e] of Object.entries(ERROR_RESPONSES)) {
    if (code === '404' && pathNames.length === 0 && r.method !== 'POST') continue;
    responses[code] = { $ref: `#/components/responses/${e.ref}` };
  }
  // A route's own codes; several of one status share its entry, one line each.
  const own = new Map<number, string[]>();
  for (const e of r.errors ?? []) {
    const shared = ERROR_RESPONSES[String(e.status)]?.description;
    const lines = own.get(e.status) ?? (shared ? [shared] : []);
    own.set(e.status, [...lines, `${e.code}: ${e.description}`]);
  }
  for (const [status, lines] of own)
    responses[String(status)] = {
      description: lines.join('\n'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  const op: Json = { operationId: r.name, summary: r.summary, tags: [tagOf(r.path)] };
  if (parameters.length > 0) op.parameters = parameters;
  if (s.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(s.body, 'input') } },
    };
  op.responses = responses;
  // A public route (`auth: 'none'`) has no authorizer: it proves itself with its signed query.
  if (isPublicRoute(r)) op.security = [];
  return op;
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
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

export function buildOpenApi(
  routes: readonly Route[] = defaultRoutes,
  schemas: Record<string, RouteSchemas> = requestSchemas,
): Json {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
    description: string;
  };
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    paths[r.path] ??= {};
    (paths[r.path] as Json)[r.method.toLowerCase()] = operation(r, schemas[r.name] ?? {});
  }
  const responses: Json = {};
  for (const e of Object.values(ERROR_RESPONSES))
    responses[e.ref] = {
      description: e.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
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
      responses,
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
