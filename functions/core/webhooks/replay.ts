/**
 * POST /webhooks/{id}/replay: the endpoint's events again, by ID or by time range, from the event log
 * (kept EVENT_RETENTION_DAYS). Each is a new execution of the delivery with the same message ID
 * (`webhook-id`), so a receiver that already has it can tell; a job's events go out in their order.
 */
import { ApiError } from '../errors';
import type { StackEvent } from '../events/catalogue';
import { endpointOrNotFound, wantsEvent, type EndpointStore } from './endpoints';
import { startDelivery, type FanOutDeps } from './fan-out';

/** The most events one replay request re-sends. */
export const MAX_REPLAY_EVENTS = 1_000;

export interface EventLog {
  get(eventId: string): Promise<StackEvent | undefined>;
  /** Events with from ≤ time ≤ to, oldest first, at most `limit`. */
  range(from: string, to: string, limit: number): Promise<StackEvent[]>;
}

export interface ReplayDeps extends Pick<FanOutDeps, 'deliveries' | 'executions'> {
  endpoints: Pick<EndpointStore, 'get'>;
  events: EventLog;
  now?: () => Date;
}

export async function replay(
  deps: ReplayDeps,
  endpointId: string,
  body: { eventIds?: string[]; from?: string; to?: string },
): Promise<{ replayed: number; eventIds: string[] }> {
  const endpoint = await endpointOrNotFound(deps.endpoints as EndpointStore, endpointId);
  if (endpoint.status !== 'enabled')
    throw new ApiError(
      'WebhookDisabled',
      `Webhook ${endpointId} is disabled: ${endpoint.disabledReason ?? ''}`.trim(),
    );
  const now = (deps.now ?? (() => new Date()))();
  let events: StackEvent[];
  if (body.eventIds) {
    const found = await Promise.all([...new Set(body.eventIds)].map((id) => deps.events.get(id)));
    events = found.filter((e): e is StackEvent => e !== undefined);
  } else {
    const from = new Date(body.from as string).toISOString();
    const to = new Date(body.to ?? now.toISOString()).toISOString();
    if (from > to)
      throw new ApiError('ValidationError', 'from is after to', [{ path: 'from', message: 'is after to' }]);
    events = await deps.events.range(from, to, MAX_REPLAY_EVENTS);
  }
  const chosen = events
    .filter((e) => wantsEvent(endpoint, e.type))
    .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
  const stamp = `${now.getTime().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  const at = now.toISOString();
  for (const e of chosen) await startDelivery(deps, e, endpoint, at, stamp);
  return { replayed: chosen.length, eventIds: chosen.map((e) => e.id) };
}
