/**
 * The governor's budgets in the state table (functions/core/governor behind its BudgetStore port): one
 * item per budget, `pk = budget#<name>`, holding the queue's ticket counter (an atomic ADD), the grants
 * inside the window (or the leases of a slots budget), the highest ticket served and the AIMD feedback,
 * with a `version` every grant conditions on. Budget items carry no index attribute, so no list of records ever sees them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BudgetState, BudgetStore, Lease, VersionedBudget } from '../core/governor';
import { TABLE_KEY } from '../core/records';
import { dynamoClient } from './dynamodb';

export const budgetKey = (name: string): string => `budget#${name}`;

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof Error && e.name === 'ConditionalCheckFailedException');

const numbers = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const leasesOf = (v: unknown): Lease[] | undefined =>
  Array.isArray(v)
    ? v.flatMap((l: unknown) => {
        if (typeof l !== 'object' || l === null) return [];
        const { ticket, at, until } = l as Record<string, unknown>;
        return typeof ticket === 'number' && typeof at === 'number' && typeof until === 'number'
          ? [{ ticket, at, until }]
          : [];
      })
    : undefined;

/** The optional parts of a budget item, by attribute name (the same name in BudgetState). */
const OPTIONAL = ['throttledAt', 'factorAfterThrottle', 'leases', 'freedAt', 'meanHoldMs'] as const;

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
    const leases = leasesOf(item.leases);
    const optional: Partial<BudgetState> = {
      throttledAt: num(item.throttledAt),
      factorAfterThrottle: num(item.factorAfterThrottle),
      leases,
      freedAt: num(item.freedAt),
      meanHoldMs: num(item.meanHoldMs),
    };
    return {
      version: num(item.version) ?? 0,
      state: {
        grants: numbers(item.grants),
        served: num(item.served) ?? 0,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      },
    };
  }

  async write(name: string, state: BudgetState, expectedVersion: number): Promise<boolean> {
    const names: Record<string, string> = { '#g': 'grants', '#s': 'served', '#v': 'version' };
    const values: Record<string, unknown> = {
      ':g': state.grants,
      ':s': state.served,
      ':next': expectedVersion + 1,
    };
    const sets = ['#g = :g', '#s = :s', '#v = :next'];
    OPTIONAL.forEach((attr, i) => {
      const value = state[attr];
      if (value === undefined) return;
      names[`#o${i}`] = attr;
      values[`:o${i}`] = value;
      sets.push(`#o${i} = :o${i}`);
    });
    if (expectedVersion > 0) values[':v'] = expectedVersion;
    try {
      await this.client().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: budgetKey(name) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: expectedVersion > 0 ? '#v = :v' : 'attribute_not_exists(#v)',
          ExpressionAttributeNames: names,
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
