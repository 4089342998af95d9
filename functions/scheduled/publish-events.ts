/**
 * The outbox sweep (every minute; locally on a scaled timer): publishes the events records still hold
 * in their outbox a while after their write, because the writer's own publish failed or its process
 * died right after the write (functions/shared/event-outbox.ts). Events keep their IDs, so a receiver
 * that got the first publish dedupes the second.
 */
import { loadConfig, required } from '../core/config';
import { logger } from '../shared/logger';
import { EventOutbox, type SweepResult } from '../shared/event-outbox';

/**
 * An event younger than this is left to its writer's own publish (scaled by TIME_SCALE, but never
 * under SWEEP_MIN_GRACE_SECONDS of real time: a publish in progress is not a lost one).
 */
export const SWEEP_GRACE_SECONDS = 30;
export const SWEEP_MIN_GRACE_SECONDS = 5;

export async function handler(): Promise<SweepResult> {
  const config = loadConfig();
  const outbox = new EventOutbox(
    required(config.tableName, 'TABLE_NAME'),
    required(config.eventBusName, 'EVENT_BUS_NAME'),
    config.eventRetentionDays * 86_400,
  );
  const graceSeconds = Math.max(SWEEP_MIN_GRACE_SECONDS, SWEEP_GRACE_SECONDS * config.timeScale);
  const before = new Date(Date.now() - graceSeconds * 1000).toISOString();
  const result = await outbox.sweep(before);
  if (result.records > 0) logger.info('outbox sweep', { ...result });
  return result;
}
