/**
 * One delivery: one event to one endpoint, run by the delivery state machine
 * (statemachines/webhook-delivery.asl.json) as Attempt → (Wait until `next.waitUntil` → Attempt)* →
 * an end. Each attempt re-reads the endpoint (deleted: the delivery is dropped; disabled: it stops),
 * re-checks the URL with the SSRF guard inside the HTTP adapter, signs with every live secret and
 * sends; `afterAttempt` (./schedule.ts) says what comes next. `webhook-id` is the delivery's message
 * ID (event × endpoint), the same on every retry and replay.
 *
 * In order per job: while an earlier event of the same job is still being delivered to this endpoint
 * (its delivery pending and alive), the attempt holds (a short Wait that is not an attempt), so a
 * receiver sees `video.queued` before `video.succeeded` even when the first needed retries.
 */
import type { StackEvent } from '../events/catalogue';
import { liveSecrets, type SecretSealer, type WebhookEndpoint } from './endpoints';
import { afterAttempt, type AttemptOutcome } from './schedule';
import { signWebhook } from './signing';

export type DeliveryState = 'pending' | 'delivered' | 'dead' | 'gone' | 'dropped';

export interface Delivery {
  msgId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  jobId: string;
  /** The event's time (orders a job's deliveries). */
  eventTime: string;
  state: DeliveryState;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  updatedAt: string;
}

/** The state machine's input and each attempt's output. */
export interface DeliveryInput {
  msgId: string;
  endpointId: string;
  eventId: string;
  /** Attempts made so far (0 on the first). */
  attempt?: number;
  /** Holds so far behind an earlier event of the same job (each waits twice as long, up to HOLD_MAX_SECONDS). */
  holds?: number;
}

export interface DeliveryOutput extends Required<DeliveryInput> {
  next: {
    action: 'done' | 'retry' | 'hold' | 'disabled' | 'dead' | 'dropped';
    /** ISO instant of the next attempt (retry, hold); already scaled by TIME_SCALE. */
    waitUntil?: string;
  };
}

export interface DeliveryStore {
  getEvent(eventId: string): Promise<StackEvent | undefined>;
  getEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /** Whether an earlier event of the job is still pending to this endpoint (updated since `aliveSince`). */
  earlierPending(
    d: Pick<Delivery, 'endpointId' | 'jobId' | 'eventTime' | 'eventId'>,
    aliveSince: string,
  ): Promise<boolean>;
  /** Creates the delivery item unless it exists (a replay resets it to pending). */
  open(d: Delivery, reset: boolean): Promise<void>;
  update(msgId: string, patch: Partial<Delivery>): Promise<void>;
  disableEndpoint(id: string, reason: string, at: string): Promise<void>;
}

export interface DeliverDeps {
  store: DeliveryStore;
  sealer: Pick<SecretSealer, 'open'>;
  /** The HTTP attempt with its SSRF guard (functions/shared/webhook-http.ts). */
  post(url: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome>;
  now?: () => Date;
  random?: () => number;
  /** Multiplies every wait (1 deployed; the local stack's LOCAL_TIME_SCALE). */
  timeScale: number;
  log(outcome: DeliveryLogLine): void;
}

/** One structured line per attempt's outcome (the metrics work turns these into CloudWatch metrics). */
export interface DeliveryLogLine {
  outcome: 'delivered' | 'retry' | 'dead-letter' | 'endpoint-disabled' | 'dropped' | 'held';
  endpointId: string;
  msgId: string;
  eventType: string;
  attempt: number;
  status?: number;
  reason?: string;
}

/**
 * A hold re-checks after HOLD_SECONDS, doubling up to HOLD_MAX_SECONDS (scaled, but never under
 * HOLD_MIN_MS of real time): behind an earlier event on a long retry, a later one costs a few state
 * transitions an hour, not one every 2 s.
 */
export const HOLD_SECONDS = 2;
export const HOLD_MAX_SECONDS = 300;
export const HOLD_MIN_MS = 100;
/** A pending delivery not touched for longer is not waited for (its execution died). */
export const ALIVE_SECONDS = 25 * 3600;

const later = (now: Date, seconds: number, scale: number, minMs = 0) =>
  new Date(now.getTime() + Math.max(minMs, Math.round(seconds * scale * 1000))).toISOString();

export function jobIdOf(event: StackEvent): string {
  return `${event.data.kind}#${event.data.id}`;
}

/** The webhook body: the event as published on the bus (id, type, time, data). */
export const webhookBody = (event: StackEvent): string => JSON.stringify(event);

export async function deliverAttempt(deps: DeliverDeps, input: DeliveryInput): Promise<DeliveryOutput> {
  const now = (deps.now ?? (() => new Date()))();
  const attempt = input.attempt ?? 0;
  const holds = input.holds ?? 0;
  const base = { msgId: input.msgId, endpointId: input.endpointId, eventId: input.eventId, attempt, holds };
  const at = now.toISOString();
  const [endpoint, event] = await Promise.all([
    deps.store.getEndpoint(input.endpointId),
    deps.store.getEvent(input.eventId),
  ]);
  const line = (outcome: DeliveryLogLine['outcome'], extra: Partial<DeliveryLogLine> = {}) =>
    deps.log({
      outcome,
      endpointId: input.endpointId,
      msgId: input.msgId,
      eventType: event?.type ?? 'unknown',
      attempt,
      ...extra,
    });
  if (!endpoint || !event) {
    line('dropped', { reason: endpoint ? 'event expired' : 'endpoint deleted' });
    if (endpoint) await deps.store.update(input.msgId, { state: 'dropped', updatedAt: at });
    return { ...base, next: { action: 'dropped' } };
  }
  if (endpoint.status !== 'enabled') {
    line('dropped', { reason: 'endpoint disabled' });
    await deps.store.update(input.msgId, { state: 'gone', updatedAt: at });
    return { ...base, next: { action: 'disabled' } };
  }
  const delivery = {
    endpointId: endpoint.id,
    jobId: jobIdOf(event),
    eventTime: event.time,
    eventId: event.id,
  };
  const aliveSince = new Date(now.getTime() - ALIVE_SECONDS * 1000).toISOString();
  if (await deps.store.earlierPending(delivery, aliveSince)) {
    line('held');
    const wait = Math.min(HOLD_MAX_SECONDS, HOLD_SECONDS * 2 ** Math.min(holds, 10));
    return {
      ...base,
      holds: holds + 1,
      next: { action: 'hold', waitUntil: later(now, wait, deps.timeScale, HOLD_MIN_MS) },
    };
  }

  const secrets = await Promise.all(
    liveSecrets(endpoint.secrets, now).map((s) => deps.sealer.open(s.sealed, endpoint.id)),
  );
  const body = webhookBody(event);
  const outcome = await deps.post(endpoint.url, body, { ...signWebhook(input.msgId, body, secrets, now) });
  const status = outcome.kind === 'answered' ? outcome.status : undefined;
  const reason = outcome.kind === 'answered' ? undefined : outcome.reason;
  const made = attempt + 1;
  const next = afterAttempt(attempt, outcome, deps.random);
  const record = { attempts: made, updatedAt: at, ...(status ? { lastStatus: status } : {}) };
  const done = { ...base, attempt: made };
  switch (next.action) {
    case 'done':
      line('delivered', { status });
      await deps.store.update(input.msgId, { ...record, state: 'delivered' });
      return { ...done, next: { action: 'done' } };
    case 'disable-endpoint':
      line('endpoint-disabled', { status });
      await deps.store.disableEndpoint(endpoint.id, 'The endpoint answered 410 Gone', at);
      await deps.store.update(input.msgId, { ...record, state: 'gone' });
      return { ...done, next: { action: 'disabled' } };
    case 'dead-letter':
      line('dead-letter', { status, reason: next.reason });
      await deps.store.update(input.msgId, { ...record, state: 'dead', lastError: next.reason });
      return { ...done, next: { action: 'dead' } };
    case 'retry':
      line('retry', { status, ...(reason ? { reason } : {}) });
      await deps.store.update(input.msgId, { ...record, ...(reason ? { lastError: reason } : {}) });
      return {
        ...done,
        next: { action: 'retry', waitUntil: later(now, next.delaySeconds, deps.timeScale) },
      };
  }
}
