/**
 * What a row of the route table (lib/routes.ts) is, and what is derived from one. The rows live by area
 * in this folder, each area module holding its own rows and importing only its own schemas: a Lambda
 * handler imports its area (`apiHandler(webhookRoutes.getWebhook, …)`), so its bundle carries neither
 * the other areas' rows nor their zod schemas. Data and zod types only: no CDK, no AWS SDK.
 */
import type { core } from 'zod/mini';
import { EVERY_ROUTE_CODES, UPSTREAM_CODES, type ApiErrorCode } from '../../functions/core/errors';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Every API handler's Lambda timeout, deployed and local alike: under API Gateway's 29 s integration
 * limit, so the handler answers (in our envelope) before the gateway gives up on it.
 */
export const API_HANDLER_TIMEOUT_SECONDS = 28;

/** Capabilities a handler needs; the stack turns each into the narrowest grant. */
export type Access =
  | 'upstream' // reads the credentials secret, calls Volcengine/Ark
  | 'bucket:presign-upload' // signs presigned POSTs under incoming/
  | 'bucket:read-videos' // signs presigned GETs under videos/
  | 'records:read' // GetItem / Query on the state table and its indexes
  | 'records:write' // conditional PutItem / UpdateItem / DeleteItem of records
  | 'records:usage' // Query of the creation-time index, the ledger attributes only
  | 'bucket:read-replaced' // HeadObject of quarantined replacements under quarantine/
  | 'bucket:idempotency' // read/claim/write/release idempotency records under idempotency/
  | 'callback:verify' // read the key upstream callback URLs are signed with
  | 'budget:use' // the governor's budget items (budget#…): the callback's re-fetch spends Get-task budget
  | 'video:task-response' // SendTaskSuccess to a waiting state of the video state machine
  | 'video:start' // StartExecution on the video state machine
  | 'video:stop' // StopExecution on the video state machine
  | 'webhook:seal' // read the key webhook endpoint secrets are sealed with
  | 'webhook:deliver'; // StartExecution on the webhook delivery state machine
// No route reads the Step Functions control plane (DescribeExecution, GetExecutionHistory,
// ListExecutions are 2–20/s per account): every status and list comes from the state table.

/**
 * What a route reads from a request, each checked by its zod schema before the handler runs. The
 * project's schemas are zod/mini (functions/core/api-schemas/); any zod 4 schema fits.
 */
export interface RouteRequest {
  /** Path parameters (IDs): a failure answers 400 ValidationError before any upstream call. */
  path?: core.$ZodType;
  query?: core.$ZodType;
  /** Headers by lower-case name. */
  headers?: core.$ZodType;
  /** The JSON body; a route without one ignores whatever body it is sent. */
  body?: core.$ZodType;
}

export interface Route {
  /** Stable identifier: the Lambda's construct ID, the OpenAPI operationId, the `route` of log lines. */
  name: string;
  method: HttpMethod;
  path: string;
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  summary: string;
  access: Access[];
  /** The success answer's status; the handler factory answers it unless the handler says otherwise. */
  status: number;
  request?: RouteRequest;
  /** The success answer's body, for OpenAPI (tests check the handlers' answers against it). */
  response?: core.$ZodType;
  /**
   * Error codes particular to this route (functions/core/errors.ts API_ERRORS). The ones every route
   * can answer, and the upstream family of a route with `upstream` access, are added by errorCodesOf.
   */
  errors: readonly ApiErrorCode[];
  /**
   * `iam` (default): SigV4 required. `none`: public, for a browser or upstream calling back; such a route
   * proves itself (signed state in its query), gets its own tight throttle in API Gateway, and the local
   * API skips SigV4 for it.
   */
  auth?: 'iam' | 'none';
  /** A public route's own API Gateway throttle (default PUBLIC_ROUTE_THROTTLE). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** The success answer's media type when it is not JSON (the real-person callback is a page for a person). */
  responseType?: 'text/html';
}

/** Requests per second (and burst) API Gateway allows a public route whose row names none: a person's browser, not a client. */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 5, burstLimit: 10 } as const;

/** A route's authentication, with the default spelled out. */
export const routeAuth = (r: Pick<Route, 'auth'>): 'iam' | 'none' => r.auth ?? 'iam';
export const isPublicRoute = (r: Pick<Route, 'auth'>): boolean => routeAuth(r) === 'none';
/** A public route's own throttle in API Gateway. */
export const publicThrottle = (r: Pick<Route, 'throttle'>): { rateLimit: number; burstLimit: number } =>
  r.throttle ?? PUBLIC_ROUTE_THROTTLE;

/**
 * Every code a route can answer: its own, the request checks', the upstream family's and the gateway's
 * (a public route has no SigV4 to fail, so not the signature ones).
 */
export function errorCodesOf(r: Pick<Route, 'access' | 'request' | 'errors' | 'auth'>): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(['ValidationError']);
  if (r.request?.body) codes.add('InvalidJson');
  if (r.access.includes('upstream')) UPSTREAM_CODES.forEach((c) => codes.add(c));
  r.errors.forEach((c) => codes.add(c));
  EVERY_ROUTE_CODES.filter((c) => !isPublicRoute(r) || !SIGNATURE_CODES.has(c)).forEach((c) => codes.add(c));
  return [...codes];
}

const SIGNATURE_CODES = new Set<ApiErrorCode>([
  'MissingAuthenticationToken',
  'InvalidSignature',
  'ExpiredToken',
  'AccessDenied',
]);

/** Names each row by its key, keeping the rows' exact types so handlers get typed requests. */
export function defineRoutes<const T extends Record<string, Omit<Route, 'name'>>>(
  rows: T,
): { readonly [K in keyof T & string]: T[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, { name, ...r }])) as {
    readonly [K in keyof T & string]: T[K] & { readonly name: K };
  };
}
