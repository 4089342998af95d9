/**
 * The state table for the routes that only read it (GET /videos, GET /videos/{id}, GET
 * /groups/{g}/uploads/{u}; their roles have records:read only). The same adapter as
 * functions/shared/record-transition.ts, without the event outbox and the transition metrics a write
 * needs, so these bundles carry no EventBridge client and no Metrics.
 */
import { loadConfig, required, type Config } from '../core/config';
import type { RecordReader } from '../core/records';
import { DynamoRecordStore } from './dynamodb';

let reader: { table: string; store: RecordReader } | undefined;

export function recordReaderFor(config: Pick<Config, 'tableName'> = loadConfig()): RecordReader {
  const table = required(config.tableName, 'TABLE_NAME');
  if (reader?.table !== table) reader = { table, store: new DynamoRecordStore(table) };
  return reader.store;
}
