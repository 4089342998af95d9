/**
 * The EventBridge adapter: publishes our events (functions/core/events) on the stack's bus. PutEvents
 * goes over the stack's AWS JSON transport (aws-json-client.ts, whose header says why not the SDK's
 * client); the endpoint comes from the SDK's own AWS_ENDPOINT_URL_EVENTBRIDGE, so the local stack's
 * PutEvents endpoint changes no code. A publish that fails after the SDK's retries is logged (`event not
 * published`, with the event ID and type) and never fails the write it follows: the event stays in the
 * record's outbox (functions/shared/event-outbox.ts) and the sweep publishes it later.
 */
import type { PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type StackEvent } from '../core/events';
import { AwsJsonClient } from './aws-json-client';
import { lazyClient } from './lazy-client';
import { logger } from './logger';

const EVENTBRIDGE = {
  signingName: 'events',
  targetPrefix: 'AWSEvents',
  jsonVersion: '1.1',
  endpointVariable: 'EVENTBRIDGE',
} as const;

export const eventBridgeClient = lazyClient(() => new AwsJsonClient(EVENTBRIDGE));

/** Puts one event on the bus; false (logged as `event not published`) when it could not. */
export async function putEvent(busName: string, event: StackEvent): Promise<boolean> {
  {
    try {
      const out = (await eventBridgeClient().call('PutEvents', {
        Entries: [
          {
            EventBusName: busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            // Timestamps travel as epoch seconds in the JSON protocols.
            Time: Date.parse(event.time) / 1000,
          },
        ],
      })) as Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>;
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
