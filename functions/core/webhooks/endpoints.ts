/**
 * Webhook endpoints: registration (the URL through the SSRF guard, a new `whsec_` secret shown once
 * and kept sealed), the views the API answers, secret rotation with an overlap, and which events an
 * endpoint takes. Pure use cases over ports (EndpointStore, the sealer, the guard); the DynamoDB
 * adapter is functions/shared/webhook-store.ts.
 */
import { ApiError, notFound } from '../errors';
import type { EventType } from '../events/catalogue';
import type { GuardVerdict } from './ssrf';
import { newEndpointSecret } from './signing';

/** How long deliveries carry the old secret's signature too after a rotation. */
export const SECRET_OVERLAP_SECONDS = 86_400;

export interface SealedSecret {
  sealed: string;
  createdAt: string;
  /** Set on the previous secret by a rotation: signatures with it stop after this instant. */
  expiresAt?: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Undefined: every event type. */
  events?: EventType[];
  description?: string;
  status: 'enabled' | 'disabled';
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
  /** Current first; a rotated-out one until it expires. */
  secrets: SealedSecret[];
}

export interface EndpointPage {
  items: WebhookEndpoint[];
  nextToken?: string;
}

export interface EndpointStore {
  create(endpoint: WebhookEndpoint): Promise<void>;
  get(id: string): Promise<WebhookEndpoint | undefined>;
  list(pageSize: number, nextToken?: string): Promise<EndpointPage>;
  /** Every enabled endpoint (the fan-out reads them all; an account has a handful). */
  enabled(): Promise<WebhookEndpoint[]>;
  remove(id: string): Promise<boolean>;
  /** Replaces the secrets of an existing endpoint; false when it is gone. */
  setSecrets(id: string, secrets: SealedSecret[], at: string): Promise<boolean>;
  disable(id: string, reason: string, at: string): Promise<void>;
}

export interface SecretSealer {
  seal(secret: string, endpointId: string): Promise<string>;
  open(sealed: string, endpointId: string): Promise<string>;
}

export type UrlGuard = (url: string) => Promise<GuardVerdict>;

export interface RegisterDeps {
  store: EndpointStore;
  sealer: SecretSealer;
  guard: UrlGuard;
  newId: () => string;
  now?: () => Date;
}

export type EndpointView = Omit<WebhookEndpoint, 'secrets'>;

export function endpointView(e: WebhookEndpoint): EndpointView {
  const { secrets: _s, ...view } = e;
  return view;
}

/** The guard's refusal as the API answers it: the reason, never what the host resolved to. */
export async function checkWebhookUrl(guard: UrlGuard, url: string): Promise<string> {
  const verdict = await guard(url);
  if (!verdict.ok)
    throw new ApiError('WebhookUrlRefused', `The webhook URL is refused: ${verdict.detail}`, {
      reason: verdict.reason,
    });
  return verdict.url.toString();
}

export async function registerEndpoint(
  deps: RegisterDeps,
  body: { url: string; events?: EventType[]; description?: string },
): Promise<EndpointView & { secret: string }> {
  const url = await checkWebhookUrl(deps.guard, body.url);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const id = deps.newId();
  const secret = newEndpointSecret();
  const endpoint: WebhookEndpoint = {
    id,
    url,
    ...(body.events ? { events: [...new Set(body.events)] } : {}),
    ...(body.description ? { description: body.description } : {}),
    status: 'enabled',
    createdAt: at,
    updatedAt: at,
    secrets: [{ sealed: await deps.sealer.seal(secret, id), createdAt: at }],
  };
  await deps.store.create(endpoint);
  return { ...endpointView(endpoint), secret };
}

export async function endpointOrNotFound(store: EndpointStore, id: string): Promise<WebhookEndpoint> {
  const e = await store.get(id);
  if (!e) throw notFound('webhook', id);
  return e;
}

/** A new current secret; the previous one keeps signing for SECRET_OVERLAP_SECONDS. */
export async function rotateSecret(
  deps: Pick<RegisterDeps, 'store' | 'sealer' | 'now'>,
  id: string,
): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  const endpoint = await endpointOrNotFound(deps.store, id);
  const now = (deps.now ?? (() => new Date()))();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + SECRET_OVERLAP_SECONDS * 1000).toISOString();
  const secret = newEndpointSecret();
  const [current] = liveSecrets(endpoint.secrets, now);
  const secrets: SealedSecret[] = [
    { sealed: await deps.sealer.seal(secret, id), createdAt: at },
    ...(current ? [{ ...current, expiresAt }] : []),
  ];
  if (!(await deps.store.setSecrets(id, secrets, at))) throw notFound('webhook', id);
  return { secret, previousSecretExpiresAt: expiresAt };
}

/** The secrets that still sign at `now`, current first. */
export function liveSecrets(secrets: readonly SealedSecret[], now: Date): SealedSecret[] {
  return secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime());
}

export function wantsEvent(e: Pick<WebhookEndpoint, 'status' | 'events'>, type: EventType): boolean {
  return e.status === 'enabled' && (e.events === undefined || e.events.includes(type));
}
