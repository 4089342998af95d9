/**
 * The answers of a throttled asset-library call, mixed in the configured ratio with the seeded generator.
 * Integrators saw all three live (UPSTREAM.md §1 Errors): the same AccountFlowLimitExceeded both as an
 * HTTP 429 and inside an HTTP 200 with no Result, and QuotaWriteQPMExceeded on CreateAsset's per-minute
 * quota. A client must therefore classify by code, never by status.
 */
import type { SeededRandom } from './random';
import type { ThrottleMix } from './types';
import { SimVolcError, volcError } from './volc/errors';

export type ThrottleAnswer = keyof ThrottleMix;

export function pickThrottleAnswer(mix: ThrottleMix, action: string, rng: SeededRandom): ThrottleAnswer {
  const weights: [ThrottleAnswer, number][] = [
    ['http200', mix.http200],
    // QuotaWriteQPMExceeded names a write quota: only CreateAsset has one.
    ['http429', mix.http429 + (action === 'CreateAsset' ? 0 : mix.quota429)],
    ['quota429', action === 'CreateAsset' ? mix.quota429 : 0],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let draw = rng.next() * total;
  for (const [answer, w] of weights) {
    if (draw < w) return answer;
    draw -= w;
  }
  return 'http429';
}

export function throttleError(
  answer: ThrottleAnswer,
  action: string,
  detail: { perMinute: number; tier: string },
): SimVolcError {
  if (answer === 'quota429')
    return volcError('QuotaWriteQPMExceeded', action, String(detail.perMinute), detail.tier);
  const e = volcError('AccountFlowLimitExceeded', action);
  return answer === 'http200' ? new SimVolcError(e.code, e.message, 200) : e;
}
