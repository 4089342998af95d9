/**
 * The DynamoDB adapter of the real-person SessionStore (functions/core/real-person/sessions.ts): one
 * item per session in the state table, keyed `real-person#<sessionId>` (records/table.ts), created with
 * a condition (create-only) and expired by the table's TTL a day after the session ends. The item has no
 * `kind` or `createdKey`, so it never appears in the job indexes that list uploads and videos.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { required, type Config } from '../core/config';
import type { SessionRecord, SessionStore } from '../core/real-person';
import { realPersonKey, TABLE_KEY, TTL_ATTRIBUTE } from '../core/records';
import { dynamoClient } from './dynamodb';
import { conditionally } from './conditional-write';

/** Kept a day past its end for GET /real-person/sessions/{id}, then purged. */
const KEEP_SECONDS = 86_400;

export function realPersonStore(config: Pick<Config, 'tableName'>): SessionStore {
  const table = required(config.tableName, 'TABLE_NAME');
  const item = (r: SessionRecord) => ({
    ...r,
    [TABLE_KEY]: realPersonKey(r.sessionId),
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(r.expiresAt) / 1000) + KEEP_SECONDS,
  });
  return {
    async get(sessionId) {
      const out = await dynamoClient().send(
        new GetCommand({
          TableName: table,
          Key: { [TABLE_KEY]: realPersonKey(sessionId) },
          ConsistentRead: true,
        }),
      );
      if (!out.Item) return undefined;
      const { [TABLE_KEY]: _pk, [TTL_ATTRIBUTE]: _ttl, ...record } = out.Item;
      return record as unknown as SessionRecord;
    },
    async create(record) {
      return conditionally(() =>
        dynamoClient().send(
          new PutCommand({
            TableName: table,
            Item: item(record),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEY },
          }),
        ),
      );
    },
    async put(record) {
      await dynamoClient().send(new PutCommand({ TableName: table, Item: item(record) }));
    },
  };
}
