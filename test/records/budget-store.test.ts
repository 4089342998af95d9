// The counted budget's epoch starts on dynalite: the store's one conditional update must leave the item
// as schedule.ts's startedAfter says (the count taken copied as the write lands), refuse a second
// start of the same epoch and a start over an index a job may call on, and an explicit restart must
// drop the fields of a start behind the clock. A give-up counts once however often it is written, only
// in its own epoch, and the next start leaves that many moments out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  epochOf,
  gaveUp,
  startedAfter,
  createAssetBudget,
  type EpochAfter,
} from '../../functions/core/governor';
import { DynamoBudgetStore } from '../../functions/shared/budget-store';
import { startTestTable, type TestTable } from '../support/state-table';

const TABLE = 'budget-store-test';
let table: TestTable;
let store: DynamoBudgetStore;
const spec = createAssetBudget(3, 1);

beforeAll(async () => {
  table = await startTestTable(TABLE);
  store = new DynamoBudgetStore(TABLE);
});
afterAll(async () => {
  await table.stop();
});

describe('DynamoBudgetStore epoch starts', () => {
  it('starts an epoch behind the clock keeping the count taken when the write lands', async () => {
    // Prepare: three indexes taken in the unused item (epoch 0); a job planned on the first of them
    for (let i = 0; i < 3; i++) await store.take('copy');
    const seen = (await store.read('copy')).state;
    const next: EpochAfter = { epoch: 1, at: 100_000, limit: 3, before: { at: 0, limit: 3, carry: [] } };
    // Act: one more index is taken before the start lands
    await store.take('copy');
    const started = await store.startAfter('copy', next, 10);
    // Assess
    const expected = startedAfter({ ...seen, taken: 4 }, next);
    expect(started?.state).toMatchObject({ epoch: 1, epochAt: 100_000, prevTaken: 4, taken: 1 });
    expect(epochOf(spec, started?.state ?? seen)).toEqual(epochOf(spec, expected));
    expect((await store.read('copy')).state).toEqual(started?.state);
  });

  it('refuses a second start of the same epoch, and a start over more indexes than allowed', async () => {
    // Prepare
    await store.take('refuse');
    await store.take('refuse');
    const next: EpochAfter = { epoch: 1, at: 1_000, limit: 3, before: { at: 0, limit: 3, carry: [] } };
    // Act
    const tooMany = await store.startAfter('refuse', next, 1);
    const first = await store.startAfter('refuse', next, 2);
    const second = await store.startAfter('refuse', next, 2);
    // Assess
    expect(tooMany).toBeUndefined();
    expect(first?.state.epoch).toBe(1);
    expect(second).toBeUndefined();
    expect((await store.read('refuse')).state).toMatchObject({ epoch: 1, taken: 1, prevTaken: 2 });
  });

  it('counts a give-up once, only in its epoch, and carries it into the next start', async () => {
    // Prepare: three indexes of the unused item (epoch 0, long past)
    for (let i = 0; i < 3; i++) await store.take('give');
    const seen = (await store.read('give')).state;
    // Act: indexes 1 and 2 given up (index 2 twice: a write the SDK retried), then epoch 1 starts; a
    // give-up for epoch 0 after that is refused
    await store.giveUp('give', 0, 1);
    await store.giveUp('give', 0, 2);
    const twice = await store.giveUp('give', 0, 2);
    const next: EpochAfter = { epoch: 1, at: 100_000, limit: 3, before: { at: 0, limit: 3, carry: [] } };
    const started = await store.startAfter('give', next, 3);
    const late = await store.giveUp('give', 0, 0);
    // Assess
    expect(twice?.state.given).toBe(2);
    expect(late).toBeUndefined();
    const expected = startedAfter(gaveUp(gaveUp(seen)), next);
    expect(started?.state).toMatchObject({ epoch: 1, prevTaken: 3, prevGiven: 2, taken: 1 });
    expect(started?.state.given).toBeUndefined();
    expect(epochOf(spec, (await store.read('give')).state)).toEqual(epochOf(spec, expected));
    expect((await store.giveUp('give', 1, 0))?.state).toMatchObject({ given: 1, prevGiven: 2 });
  });

  it('drops the fields of a start behind the clock when an epoch restarts with an explicit carry', async () => {
    // Prepare: epoch 1 started behind the clock
    await store.take('explicit');
    const next: EpochAfter = { epoch: 1, at: 1_000, limit: 3, before: { at: 0, limit: 3, carry: [] } };
    await store.startAfter('explicit', next, 5);
    await store.giveUp('explicit', 1, 0);
    // Act: a throttle's restart at a lower limit
    const ok = await store.restart(
      'explicit',
      { epoch: 2, at: 2_000, limit: 2, carry: [1_000], taken: 0 },
      { epoch: 1, taken: 1 },
      { throttledAt: 2_000, factorAfterThrottle: 0.5 },
    );
    // Assess
    expect(ok).toBe(true);
    const state = (await store.read('explicit')).state;
    expect(state).toMatchObject({
      epoch: 2,
      epochLimit: 2,
      carry: [1_000],
      taken: 0,
      factorAfterThrottle: 0.5,
    });
    expect(state.prevTaken).toBeUndefined();
    expect([state.given, state.prevGiven]).toEqual([undefined, undefined]);
    expect(epochOf(spec, state)).toMatchObject({ epoch: 2, at: 2_000, carry: [1_000] });
  });
});
