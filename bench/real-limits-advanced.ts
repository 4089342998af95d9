/**
 * Real limits, advanced tier: 300 uploads at once against 120 CreateAsset per minute, at its own time
 * scale (BENCH_REAL_LIMITS_ADVANCED_SCALE, default 0.5) in its own process — see bench/real-limits.ts,
 * whose `advanced` run this is, for the figures and why the scale differs.
 */
import { pathToFileURL } from 'node:url';
import { run as realLimits } from './real-limits';

export async function run(): Promise<Record<string, unknown>> {
  process.env.BENCH_REAL_LIMITS_ONLY = 'advanced';
  return realLimits();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
  process.exit(0);
}
