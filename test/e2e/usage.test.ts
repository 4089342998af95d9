/**
 * Acceptance (issue 18, cost ledger): ten videos across two models through the whole local stack —
 * the API, the video state machine on aws-local-stepfunctions, dynalite, and the upstream simulator
 * over HTTP at the personal account's limits (3 running tasks per model) — then GET /usage must report
 * exactly what the simulator says it charged, per model and in total, and the cost must be those tokens
 * at the price table's rates. One video forced to fail upstream is charged nothing and counted nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateVideoBody, UsageReport, VideoJob } from '../../cli/api-types';
import { waitForVideo } from '../../cli/videos';
import { defaultPriceTable, pricePerMillion, roundAmount } from '../../functions/core/usage';
import { openE2eStack, type E2eStack } from '../support/e2e-stack';

/** Queued 0.2 s and running 0.6 s per task: the ten videos take a few seconds in all. */
const TIME_SCALE = 0.01;
const STD = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';

interface SimLine {
  id: string;
  model: string;
  resolution: string;
  completion_tokens: number;
  total_tokens: number;
}

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await openE2eStack({ timeScale: TIME_SCALE, tier: 'basic' });
});
afterAll(async () => e2e?.close());

async function charged(): Promise<{ tasks: SimLine[]; total: { tasks: number; completion_tokens: number } }> {
  const res = await fetch(`${e2e.stack.simulator!.url}/_sim/usage`);
  return (await res.json()) as { tasks: SimLine[]; total: { tasks: number; completion_tokens: number } };
}

const settle = (v: VideoJob) => waitForVideo(e2e.client, v.videoId, { intervalMs: 100, timeoutMs: 90_000 });

describe('GET /usage against what the simulator charged', () => {
  it(
    'equals the simulator’s usage for 10 videos on 2 models, per model and in total',
    { timeout: 180_000 },
    async () => {
      // Prepare: options that change the tokens (resolution, ratio, duration) differ from video to video.
      const since = new Date().toISOString();
      const bodies: CreateVideoBody[] = [
        { model: STD, resolution: '720p', ratio: '16:9', duration: 5 },
        { model: STD, resolution: '1080p', ratio: '9:16', duration: 4 },
        { model: STD, resolution: '480p', ratio: '1:1', duration: 6 },
        { model: STD, resolution: '720p', ratio: '21:9', duration: 8 },
        { model: STD, resolution: '1080p', ratio: '4:3', duration: 5 },
        { model: STD, resolution: '720p', ratio: '3:4', duration: 4 },
        { model: FAST, resolution: '480p', ratio: '16:9', duration: 5 },
        { model: FAST, resolution: '720p', ratio: '9:16', duration: 10 },
        { model: FAST, resolution: '720p', ratio: '1:1', duration: 4 },
        { model: FAST, resolution: '480p', ratio: '21:9', duration: 7 },
      ].map((o, i) => ({ prompt: `Shot ${i + 1}: a lighthouse at dusk`, ...o }));

      // Act
      const started = await Promise.all(bodies.map((b) => e2e.client.createVideo(b)));
      const finished = await Promise.all(started.map(settle));
      e2e.stack.simulator!.control.forceTaskOutcome({
        status: 'failed',
        code: 'OutputVideoSensitiveContentDetected',
      });
      const failed = await e2e.client
        .createVideo({ prompt: 'A storm', model: STD, resolution: '720p' })
        .then(settle)
        .finally(() => e2e.stack.simulator!.control.forceTaskOutcome(null));
      const bill = await charged();
      const byModel = await e2e.client.getUsage({ from: since, groupBy: 'model' });
      const byCaller = await e2e.client.getUsage({ from: since, groupBy: 'caller' });
      const byDay = await e2e.client.getUsage({ from: since.slice(0, 10) });

      // Assess
      expect(finished.map((v) => v.status)).toEqual(Array(10).fill('succeeded'));
      expect(failed.status).toBe('failed');
      expect(bill.total.tasks).toBe(10);
      const billed = (model: string) =>
        bill.tasks.filter((t) => t.model === model).reduce((n, t) => n + t.completion_tokens, 0);
      const prices = defaultPriceTable();
      const expectedCost = roundAmount(
        bill.tasks.reduce(
          (n, t) =>
            n +
            (t.completion_tokens *
              (pricePerMillion(prices, { model: t.model, resolution: t.resolution, videoInput: false }) ??
                NaN)) /
              1_000_000,
          0,
        ),
      );
      const totals = (r: UsageReport) => [r.total.videos, r.total.completionTokens, r.total.estimatedCost];
      expect(totals(byModel)).toEqual([10, bill.total.completion_tokens, expectedCost]);
      expect(byModel.groups.map((g) => [g.key, g.videos, g.completionTokens])).toEqual([
        [STD, 6, billed(STD)],
        [FAST, 4, billed(FAST)],
      ]);
      expect(byModel.total.unpricedVideos).toBe(0);
      // One caller (the local stack's dev credentials), and all of it today (unless the run spans midnight).
      expect(byCaller.groups.map((g) => [g.key, g.completionTokens])).toEqual([
        ['arn:aws:iam::000000000000:user/local-dev', bill.total.completion_tokens],
      ]);
      expect(byDay.total.completionTokens).toBeGreaterThanOrEqual(bill.total.completion_tokens);
      // Each video shows its own tokens (as upstream reported them) and cost.
      const one = await e2e.client.getVideo(finished[1]!.videoId);
      const line = bill.tasks.find((t) => t.id === one.taskId);
      expect(one.usage?.completionTokens).toBe(line?.completion_tokens);
      expect(one.cost).toEqual({
        amount: roundAmount(((line?.completion_tokens ?? 0) * 51) / 1_000_000),
        currency: 'CNY',
        pricePerMillionTokens: 51,
      });
    },
  );
});
