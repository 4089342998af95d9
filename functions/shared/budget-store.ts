/**
 * The governor's budgets in the state table (functions/core/governor behind its BudgetStore port): one
 * item per budget, `pk = budget#<name>`, holding the queue's ticket counter (an atomic ADD), the grants
 * inside the window (or the leases of a slots budget), the highest ticket served and the AIMD feedback,
 * with a `version` every grant conditions on. Budget items carry no index attribute, so no list of records ever sees them.
 */
import {
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { BudgetState, BudgetStore, Epoch, EpochAfter, Lease, VersionedBudget } from '../core/governor';
import { TABLE_KEY } from '../core/records';
import { dynamoClient } from './dynamodb';
import { conditionally } from './conditional-write';

export const budgetKey = (name: string): string => `budget#${name}`;

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

/** The fields of an epoch started behind the clock (schedule.ts, startedAfter). */
const PREVIOUS = ['prevAt', 'prevLimit', 'prevCarry', 'prevTaken'] as const;

/**
 * The indexes given up in epoch `e` are a number set of their own attribute: a set, so a write the SDK
 * retries counts once (a count too high would drop a real call's moment); one per epoch, so the set of
 * the epoch before is there to read, frozen, once the next has started (a give-up names its epoch).
 */
const givenAttr = (epoch: number) => `given${epoch}`;
const sizeOf = (v: unknown): number | undefined => (v instanceof Set ? v.size : undefined);

function givenOf(item: Record<string, unknown>): Pick<BudgetState, 'given' | 'prevGiven'> {
  const epoch = num(item.epoch) ?? 0;
  return {
    given: sizeOf(item[givenAttr(epoch)]),
    prevGiven: epoch > 0 ? sizeOf(item[givenAttr(epoch - 1)]) : undefined,
  };
}

/** The sets of given-up indexes an epoch `next` no longer reads (an explicit carry reads none). */
const staleGiven = (next: number, explicit: boolean) =>
  [next - 2, ...(explicit ? [next - 1] : [])].filter((e) => e >= 0).map(givenAttr);

/** The optional parts of a budget item, by attribute name (the same name in BudgetState). */
const OPTIONAL = ['throttledAt', 'factorAfterThrottle', 'leases', 'freedAt', 'meanHoldMs'] as const;

/** A budget item as the governor's state (attributes it does not know are ignored). */
function budgetOf(item: Record<string, unknown>): VersionedBudget {
  const leases = leasesOf(item.leases);
  const optional: Partial<BudgetState> = {
    throttledAt: num(item.throttledAt),
    factorAfterThrottle: num(item.factorAfterThrottle),
    leases,
    freedAt: num(item.freedAt),
    meanHoldMs: num(item.meanHoldMs),
    epoch: num(item.epoch),
    epochAt: num(item.epochAt),
    epochLimit: num(item.epochLimit),
    carry: Array.isArray(item.carry) ? numbers(item.carry) : undefined,
    taken: num(item.taken),
    prevAt: num(item.prevAt),
    prevLimit: num(item.prevLimit),
    prevCarry: Array.isArray(item.prevCarry) ? numbers(item.prevCarry) : undefined,
    prevTaken: num(item.prevTaken),
    ...givenOf(item),
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

export class DynamoBudgetStore implements BudgetStore {
  constructor(
    private readonly table: string,
    private readonly client: () => DynamoDBDocumentClient = dynamoClient,
  ) {}

  async takeTicket(name: string): Promise<number> {
    const t = num((await this.addOne(name, 'tickets', 'UPDATED_NEW')).tickets);
    if (t === undefined) throw new Error('ticket counter did not answer');
    return t;
  }

  async read(name: string): Promise<VersionedBudget> {
    const out = await this.client().send(
      new GetCommand({ TableName: this.table, Key: { [TABLE_KEY]: budgetKey(name) }, ConsistentRead: true }),
    );
    return budgetOf(out.Item ?? {});
  }

  async take(name: string): Promise<VersionedBudget> {
    return budgetOf(await this.addOne(name, 'taken', 'ALL_NEW'));
  }

  /** One atomic ADD of 1 to a counter of the item (never conflicts); the attributes it returns. */
  private async addOne(
    name: string,
    attr: 'tickets' | 'taken',
    returns: 'UPDATED_NEW' | 'ALL_NEW',
  ): Promise<Record<string, unknown>> {
    const out = await this.client().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { [TABLE_KEY]: budgetKey(name) },
        UpdateExpression: 'ADD #t :one',
        ExpressionAttributeNames: { '#t': attr },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: returns,
      }),
    );
    return out.Attributes ?? {};
  }

  async restart(
    name: string,
    next: Epoch,
    expected: { epoch: number; taken: number },
    feedback: Pick<BudgetState, 'throttledAt' | 'factorAfterThrottle'> = {},
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#e': 'epoch',
      '#a': 'epochAt',
      '#l': 'epochLimit',
      '#c': 'carry',
      '#t': 'taken',
    };
    const values: Record<string, unknown> = {
      ':e': next.epoch,
      ':a': next.at,
      ':l': next.limit,
      ':c': next.carry,
      ':t': next.taken,
    };
    const sets = ['#e = :e', '#a = :a', '#l = :l', '#c = :c', '#t = :t'];
    for (const [attr, value] of Object.entries(feedback)) {
      if (value === undefined) continue;
      names[`#${attr}`] = attr;
      values[`:${attr}`] = value;
      sets.push(`#${attr} = :${attr}`);
    }
    // The item is as the job saw it: the same epoch (none yet for 0) and no index taken since.
    const conditions = [expected.epoch === 0 ? 'attribute_not_exists(#e)' : '#e = :oe'];
    if (expected.epoch !== 0) values[':oe'] = expected.epoch;
    conditions.push(expected.taken === 0 ? '(attribute_not_exists(#t) OR #t = :ot)' : '#t = :ot');
    values[':ot'] = expected.taken;
    return conditionally(() =>
      this.client().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: budgetKey(name) },
          // An explicit carry: the fields of an epoch started behind the clock no longer apply.
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${[...PREVIOUS, ...staleGiven(next.epoch, true)].join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async startAfter(name: string, next: EpochAfter, upTo: number): Promise<VersionedBudget | undefined> {
    return this.updateIf(name, {
      // `prevTaken = taken` copies the count as it stands when the write lands, so an index taken
      // between the job's look and this write is carried over too.
      UpdateExpression:
        'SET #e = :e, #a = :a, #l = :l, #pa = :pa, #pl = :pl, #pc = :pc, ' +
        `#pt = if_not_exists(#t, :zero), #t = :one REMOVE ${['#c', ...staleGiven(next.epoch, false)].join(', ')}`,
      ConditionExpression:
        (next.epoch === 1 ? 'attribute_not_exists(#e)' : '#e = :oe') +
        ' AND (attribute_not_exists(#t) OR #t <= :upTo)',
      ExpressionAttributeNames: {
        '#e': 'epoch',
        '#a': 'epochAt',
        '#l': 'epochLimit',
        '#pa': 'prevAt',
        '#pl': 'prevLimit',
        '#pc': 'prevCarry',
        '#pt': 'prevTaken',
        '#t': 'taken',
        '#c': 'carry',
      },
      ExpressionAttributeValues: {
        ':e': next.epoch,
        ':a': next.at,
        ':l': next.limit,
        ':pa': next.before.at,
        ':pl': next.before.limit,
        ':pc': next.before.carry,
        ':zero': 0,
        ':one': 1,
        ':upTo': upTo,
        ...(next.epoch === 1 ? {} : { ':oe': next.epoch - 1 }),
      },
    });
  }

  async giveUp(name: string, epoch: number, index: number): Promise<VersionedBudget | undefined> {
    return this.updateIf(name, {
      UpdateExpression: 'ADD #g :i',
      ConditionExpression: epoch === 0 ? 'attribute_not_exists(#e)' : '#e = :e',
      ExpressionAttributeNames: { '#g': givenAttr(epoch), '#e': 'epoch' },
      ExpressionAttributeValues: { ':i': new Set([index]), ...(epoch === 0 ? {} : { ':e': epoch }) },
    });
  }

  /** One conditional update of the budget item: the item after it, or undefined when refused. */
  private async updateIf(
    name: string,
    expression: Required<
      Pick<
        UpdateCommandInput,
        'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
      >
    >,
  ): Promise<VersionedBudget | undefined> {
    let out: Record<string, unknown> | undefined;
    const applied = await conditionally(async () => {
      const answer = await this.client().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: budgetKey(name) },
          ...expression,
          ReturnValues: 'ALL_NEW',
        }),
      );
      out = answer.Attributes;
    });
    return applied ? budgetOf(out ?? {}) : undefined;
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
    return conditionally(() =>
      this.client().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [TABLE_KEY]: budgetKey(name) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: expectedVersion > 0 ? '#v = :v' : 'attribute_not_exists(#v)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }
}

let store: { table: string; store: BudgetStore } | undefined;

export function budgetsFor(table: string): BudgetStore {
  if (store?.table !== table) store = { table, store: new DynamoBudgetStore(table) };
  return store.store;
}
