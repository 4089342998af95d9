/**
 * The governor's budgets in the state table (functions/core/governor behind its BudgetStore port): one
 * item per budget, `pk = budget#<name>`, holding the queue's ticket counter (an atomic ADD), the grants
 * inside the window, the highest ticket served and the AIMD feedback, with a `version` every grant
 * conditions on. Budget items carry no index attribute, so no list of records ever sees them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BudgetState, BudgetStore, VersionedBudget } from '../core/governor';
import { TABLE_KEY } from '../core/records';
import { dynamoClient } from './dynamodb';

export const budgetKey = (name: string): string => `budget#${name}`;

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof Error && e.name === 'ConditionalCheckFailedException');

const numbers = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export class DynamoBudgetStore implements BudgetStore {
  constructor(
    private readonly table: string,
    private readonly client: () => DynamoDBDocumentClient = dynamoClient,
  ) {}

  async takeTicket(name: string): Promise<number> {
    const out = await this.client().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: budgetKey(name) },
        UpdateExpression: 'ADD #t :one',
        ExpressionAttributeNames: { '#t': 'tickets' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const t = num(out.Attributes?.tickets);
    if (t === undefined) throw new Error('ticket counter did not answer');
    return t;
  }

  async read(name: string): Promise<VersionedBudget> {
    const out = await this.client().send(
      new GetCommand({ TableName: this.table, Key: { [TABLE_KEY]: budgetKey(name) }, ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    const throttledAt = num(item.throttledAt);
    const factorAfterThrottle = num(item.factorAfterThrottle);
    return {
      version: num(item.version) ?? 0,
      state: {
        grants: numbers(item.grants),
        served: num(item.served) ?? 0,
        ...(throttledAt !== undefined ? { throttledAt } : {}),
        ...(factorAfterThrottle !== undefined ? { factorAfterThrottle } : {}),
      },
    };
  }

  async write(name: string, state: BudgetState, expectedVersion: number): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':g': state.grants,
      ':s': state.served,
      ':next': expectedVersion + 1,
      ...(state.throttledAt !== undefined ? { ':ta': state.throttledAt } : {}),
      ...(state.factorAfterThrottle !== undefined ? { ':f': state.factorAfterThrottle } : {}),
    };
    const sets = ['#g = :g', '#s = :s', '#v = :next'];
    if (state.throttledAt !== undefined) sets.push('#ta = :ta');
    if (state.factorAfterThrottle !== undefined) sets.push('#f = :f');
    if (expectedVersion > 0) values[':v'] = expectedVersion;
    try {
      await this.client().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: budgetKey(name) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: expectedVersion > 0 ? '#v = :v' : 'attribute_not_exists(#v)',
          ExpressionAttributeNames: {
            '#g': 'grants',
            '#s': 'served',
            '#v': 'version',
            ...(state.throttledAt !== undefined ? { '#ta': 'throttledAt' } : {}),
            ...(state.factorAfterThrottle !== undefined ? { '#f': 'factorAfterThrottle' } : {}),
          },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

let store: { table: string; store: BudgetStore } | undefined;

export function budgetsFor(table: string): BudgetStore {
  if (store?.table !== table) store = { table, store: new DynamoBudgetStore(table) };
  return store.store;
}
