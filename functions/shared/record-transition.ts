/**
 * A step's write of its transition to the state table. The record is the read side of a job, not the
 * job: a write DynamoDB refuses or cannot take (after the SDK's own retries) is logged and the step goes
 * on, since failing a paid video over a status line would lose more than it saves; the execution's end
 * event (functions/triggers/execution-ended.ts) writes the final status whatever the steps managed.
 * A missing TABLE_NAME is a wiring fault and is thrown. With an event bus, each write that moves a
 * status carries its event in the record's outbox (at least once, functions/shared/event-outbox.ts).
 */
import { loadConfig, required, type Config } from '../core/config';
import type { RecordChange, RecordStore } from '../core/records';
import { transitionMetrics } from '../core/metrics/transitions';
import { DynamoRecordStore, ttlSecondsOf, type TransitionListener } from './dynamodb';
import { EventOutbox } from './event-outbox';
import { logger } from './logger';
import { emitMetrics } from './metrics';

/** Every accepted status change counts its business metrics here, once (see functions/core/metrics). */
const countTransition: TransitionListener = (change, before) =>
  emitMetrics(transitionMetrics(change, before));

let store: { table: string; bus: string | undefined; store: RecordStore } | undefined;

/**
 * The state table of this process's configuration (the adapter's client is the lazy one); with an
 * event bus, every accepted write publishes its event there, and every one counts its metrics.
 */
export function recordsFor(
  config: Pick<Config, 'tableName'> &
    Partial<Pick<Config, 'eventBusName' | 'eventRetentionDays'>> = loadConfig(),
): RecordStore {
  const table = required(config.tableName, 'TABLE_NAME');
  const bus = config.eventBusName;
  if (store?.table !== table || store.bus !== bus)
    store = {
      table,
      bus,
      store: new DynamoRecordStore(
        table,
        undefined,
        bus ? new EventOutbox(table, bus, (config.eventRetentionDays ?? 30) * 86_400) : undefined,
        countTransition,
      ),
    };
  return store.store;
}

export async function recordTransition(
  change: RecordChange,
  config: Pick<Config, 'tableName' | 'recordTtlDays'> = loadConfig(),
): Promise<boolean> {
  const records = recordsFor(config);
  try {
    const applied = await records.advance(change, ttlSecondsOf(config));
    if (!applied) logger.debug('record already further on', { status: change.status });
    return applied;
  } catch (e) {
    logger.error('record write failed', {
      status: change.status,
      errorName: e instanceof Error ? e.name : 'unknown',
    });
    return false;
  }
}
