/**
 * What the simulator bills: the vendor's token formula against integrators' live figures, and
 * `/_sim/usage` over HTTP reporting one line per succeeded task (failed tasks are not billed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { taskTokens } from '../../local/upstream-sim/ark/usage';
import { arkCall, until } from './helpers/clients';

const MODEL = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';

describe('task token formula', () => {
  it.each([
    // [resolution, ratio, output s, reference-video s, live figure]
    ['720p', '16:9', 4, 0, 87_300], // crazyrouter, cgt-20260617212928-5s755
    ['720p', '16:9', 5, 0, 108_900], // gogogotoken's documented answer
    ['720p', '16:9', 4, 4, 173_700], // crazyrouter, with a reference video
  ] as const)('%s %s %i s (+%i s video in) → %i tokens', (resolution, ratio, duration, videoIn, tokens) => {
    expect(taskTokens({ resolution, ratio, duration, videoInputSeconds: videoIn })).toBe(tokens);
  });

  it('grows with resolution and duration, and depends on the ratio', () => {
    const t = (resolution: string, ratio: string, duration: number) =>
      taskTokens({ resolution, ratio, duration, videoInputSeconds: 0 });
    expect(t('480p', '16:9', 5)).toBeLessThan(t('720p', '16:9', 5));
    expect(t('720p', '16:9', 5)).toBeLessThan(t('1080p', '16:9', 5));
    expect(t('720p', '16:9', 10)).toBeGreaterThan(2 * t('720p', '16:9', 5) - 1_000);
    expect(t('720p', '21:9', 5)).not.toBe(t('720p', '1:1', 5));
  });
});

describe('/_sim/usage', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.001, seed: 5, taskAccount: 'enterprise' });
  });
  afterAll(async () => sim?.close());

  const create = async (body: Record<string, unknown>) =>
    (await arkCall(sim, 'POST', '', { content: [{ type: 'text', text: 'a cat' }], ...body })).body
      .id as string;
  const settled = (id: string) =>
    until(async () => {
      const s = (await arkCall(sim, 'GET', `/${id}`)).body;
      return s.status === 'succeeded' || s.status === 'failed' ? s : undefined;
    });

  it('reports each succeeded task with the tokens its GET said, and totals; failed tasks are not billed', async () => {
    // Prepare
    const a = await create({ model: MODEL, resolution: '1080p', ratio: '9:16', duration: 6 });
    const b = await create({ model: FAST, resolution: '480p', ratio: '4:3', duration: 4 });
    sim.control.forceTaskOutcome({ status: 'failed' });
    const failed = await create({ model: MODEL }).finally(() => sim.control.forceTaskOutcome(null));
    const [ta, tb] = await Promise.all([settled(a), settled(b), settled(failed)]);

    // Act
    const res = await fetch(`${sim.url}/_sim/usage`);
    const body = (await res.json()) as {
      tasks: { id: string; model: string; completion_tokens: number }[];
      total: { tasks: number; completion_tokens: number; total_tokens: number };
    };

    // Assess
    const tokensA = (ta?.usage as { completion_tokens: number }).completion_tokens;
    const tokensB = (tb?.usage as { completion_tokens: number }).completion_tokens;
    expect(tokensA).toBe(
      taskTokens({ resolution: '1080p', ratio: '9:16', duration: 6, videoInputSeconds: 0 }),
    );
    expect(body.tasks.map((t) => [t.id, t.model, t.completion_tokens])).toEqual([
      [a, MODEL, tokensA],
      [b, FAST, tokensB],
    ]);
    expect(body.total).toEqual({
      tasks: 2,
      completion_tokens: tokensA + tokensB,
      total_tokens: tokensA + tokensB,
    });
  });
});
