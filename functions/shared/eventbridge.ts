/**
 * The EventBridge adapter: publishes our events (functions/core/events) on the stack's bus. The
 * endpoint comes from the SDK's own AWS_ENDPOINT_URL_EVENTBRIDGE, so the local stack's PutEvents
 * endpoint changes no code. A publish that fails after the SDK's retries is logged (`event not
 * published`, with the event ID and type) and never fails the write it follows: the event stays in the
 * record's outbox (functions/shared/event-outbox.ts) and the sweep publishes it later.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type StackEvent } from '../core/events';
import { lazyClient, SDK_CLIENT_OPTIONS } from './lazy-client';
import { logger } from './logger';

export const eventBridgeClient = lazyClient(() => new EventBridgeClient(SDK_CLIENT_OPTIONS));

/** Puts one event on the bus; false (logged as `event not published`) when it could not. */
export async function putEvent(busName: string, event: StackEvent): Promise<boolean> {
  {
    try {
      const out = await eventBridgeClient().send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: busName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.time),
            },
          ],
        }),
      );
      if ((out.FailedEntryCount ?? 0) === 0) return true;
      logger.error('event not published', {
        eventId: event.id,
        type: event.type,
        errorName: out.Entries?.[0]?.ErrorCode ?? 'FailedEntry',
      });
      return false;
    } catch (e) {
      logger.error('event not published', {
        eventId: event.id,
        type: event.type,
        errorName: e instanceof Error ? e.name : 'unknown',
      });
      return false;
    }
  }
}
