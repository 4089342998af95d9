// The business metrics counted at each accepted transition of the state table (dynalite behind the
// real adapter): queue age while waiting, time queued and governor wait when the job leaves the queue,
// the outcome with its reason and the time to Active, and nothing for a write the table refuses.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UPLOAD_RANK, type RecordChange } from '../../functions/core/records';
import { setMetricsSink } from '../../functions/shared/metrics';
import { recordTransition } from '../../functions/shared/record-transition';
import { startTestTable, type TestTable } from '../support/state-table';

let table: TestTable;
const lines: string[] = [];
const T0 = Date.parse('2026-12-01T10:00:00Z');
const config = { tableName: 'seedance-test-records', recordTtlDays: 30 };

beforeAll(async () => {
  table = await startTestTable();
  setMetricsSink((l) => lines.push(l));
});
afterAll(async () => {
  setMetricsSink(undefined);
  await table.stop();
});
beforeEach(() => {
  lines.length = 0;
});

function upload(id: string, status: keyof typeof UPLOAD_RANK, atSeconds: number, set = {}): RecordChange {
  return {
    kind: 'upload',
    id,
    status,
    rank: UPLOAD_RANK[status],
    at: new Date(T0 + atSeconds * 1000),
    set,
    setIfMissing: { createdAt: new Date(T0).toISOString(), groupId: 'group-1' },
  };
}

/** [metric name, value, dimensions without `service`] of every EMF line written. */
function points(): [string, number, Record<string, unknown>][] {
  return lines.map((l) => {
    const doc = JSON.parse(l) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[] };
    };
    const directive = doc._aws.CloudWatchMetrics[0]!;
    const name = directive.Metrics[0]!.Name;
    const dims = Object.fromEntries(
      directive.Dimensions[0]!.filter((d) => d !== 'service').map((d) => [d, doc[d]]),
    );
    return [name, doc[name] as number, dims];
  });
}

describe('metrics of upload transitions', () => {
  it('counts queue age per wake-up, the wait when it leaves the queue, then the outcome and time to active', async () => {
    // Prepare
    const id = 'upl-metrics-active';
    await recordTransition(upload(id, 'validating', 5), config);
    // Act
    await recordTransition(upload(id, 'queued', 10), config);
    await recordTransition(upload(id, 'queued', 40), config);
    await recordTransition(upload(id, 'queued', 70), config);
    await recordTransition(upload(id, 'ingesting', 100), config);
    await recordTransition(upload(id, 'active', 112), config);
    // Assess
    expect(points()).toEqual([
      ['QueueAge', 30, { kind: 'upload' }],
      ['QueueAge', 60, { kind: 'upload' }],
      ['TimeQueued', 90, { kind: 'upload' }],
      ['GovernorWait', 90, { budget: 'CreateAsset' }],
      ['Uploads', 1, { outcome: 'active', reason: 'none' }],
      ['UploadTimeToActive', 112, {}],
    ]);
  });

  it('names the reason of a failure, and counts an end once however often it is written', async () => {
    // Prepare
    const id = 'upl-metrics-failed';
    await recordTransition(upload(id, 'ingesting', 3), config);
    const failed = upload(id, 'failed', 9, {
      error: { code: 'InputImageSensitiveContentDetected', message: 'm' },
    });
    // Act
    const first = await recordTransition(failed, config);
    const replay = await recordTransition({ ...failed, at: new Date(T0 + 20_000) }, config);
    // Assess
    expect([first, replay]).toEqual([true, false]);
    expect(points()).toEqual([
      ['Uploads', 1, { outcome: 'failed', reason: 'InputImageSensitiveContentDetected' }],
    ]);
  });
});

describe('the metrics switch', () => {
  it("writes nothing under Powertools' POWERTOOLS_METRICS_DISABLED (the local stack sets it)", async () => {
    // Prepare
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    setMetricsSink((l) => lines.push(l));
    try {
      // Act
      await recordTransition(upload('upl-metrics-off', 'active', 4), config);
    } finally {
      delete process.env.POWERTOOLS_METRICS_DISABLED;
      setMetricsSink((l) => lines.push(l));
    }
    await recordTransition(upload('upl-metrics-on', 'active', 4), config);
    // Assess
    expect(points().map(([name, , dims]) => [name, dims])).toEqual([
      ['Uploads', { outcome: 'active', reason: 'none' }],
      ['UploadTimeToActive', {}],
    ]);
  });
});
