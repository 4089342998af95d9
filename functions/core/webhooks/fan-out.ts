/**
 * An event from the bus → one delivery per enabled endpoint that takes its type. The delivery's
 * message ID is derived from (event, endpoint), and the delivery execution is named by it, so an event
 * published twice (the outbox is at least once) or a fan-out retried by Lambda starts nothing twice.
 * Replays (POST /webhooks/{id}/replay) start a new execution of the same delivery: same message ID,
 * a name of its own.
 */
import type { StackEvent } from '../events/catalogue';
import type { ExecutionStarter } from '../video';
import { jobIdOf, type Delivery, type DeliveryInput, type DeliveryStore } from './deliver';
import { wantsEvent, type EndpointStore, type WebhookEndpoint } from './endpoints';
import { webhookId } from './signing';

export interface FanOutDeps {
  endpoints: Pick<EndpointStore, 'enabled'>;
  deliveries: Pick<DeliveryStore, 'open'>;
  executions: ExecutionStarter;
  now?: () => Date;
}

function deliveryOf(event: StackEvent, endpoint: WebhookEndpoint, at: string): Delivery {
  return {
    msgId: webhookId(event.id, endpoint.id),
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
    jobId: jobIdOf(event),
    eventTime: event.time,
    state: 'pending',
    attempts: 0,
    updatedAt: at,
  };
}

/**
 * Opens the delivery and starts its execution, named by the message ID, or for a replay by the
 * message ID and the replay's stamp (`<msgId>-r<stamp>`).
 */
export async function startDelivery(
  deps: Pick<FanOutDeps, 'deliveries' | 'executions'>,
  event: StackEvent,
  endpoint: WebhookEndpoint,
  at: string,
  replayStamp?: string,
): Promise<string> {
  const d = deliveryOf(event, endpoint, at);
  await deps.deliveries.open(d, replayStamp !== undefined);
  const input: DeliveryInput = { msgId: d.msgId, endpointId: endpoint.id, eventId: event.id, attempt: 0 };
  await deps.executions.start(replayStamp ? `${d.msgId}-r${replayStamp}` : d.msgId, JSON.stringify(input));
  return d.msgId;
}

export async function fanOut(deps: FanOutDeps, event: StackEvent): Promise<string[]> {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const targets = (await deps.endpoints.enabled()).filter((e) => wantsEvent(e, event.type));
  const started: string[] = [];
  for (const endpoint of targets) started.push(await startDelivery(deps, event, endpoint, at));
  return started;
}
