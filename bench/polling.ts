/**
 * Video polling: polls, state transitions and notice delay per job, for upstream generation times of
 * 60, 120 and 300 s, comparing the configured schedule (functions/core/video/job.ts videoPollPolicy from
 * config defaults) with fixed 10 s polling and a few alternatives. A pure simulation over
 * functions/core/schedule.ts (the same code the steps run), so it takes milliseconds, not minutes.
 *
 * Each duration D is averaged over finish times spread uniformly in [0.75 D, 1.25 D] (1 s steps): a
 * single exact D would reward a schedule whose check happens to land on it.
 * Transitions per job follow statemachines/video-generation.asl.json on the happy path: CreateTask and
 * SaveVideo, plus WaitForTask + PollTask + TaskStatus? per poll (Standard workflows bill per transition).
 * Run alone: `npx tsx bench/polling.ts`.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../functions/core/config';
import { checkTimes, type PollPolicy } from '../functions/core/schedule';
import { videoPollPolicy } from '../functions/core/video';

export const DURATIONS = [60, 120, 300] as const;
const TRANSITIONS_FIXED = 2;
const TRANSITIONS_PER_POLL = 3;
/** Step Functions Standard, us-east-1: $0.025 per 1000 state transitions. */
const USD_PER_TRANSITION = 0.025 / 1000;

interface Outcome {
  polls: number;
  delaySeconds: number;
}

/** First check at or after `finish`: how many checks it took and how late it noticed. */
export function notice(policy: PollPolicy, finish: number): Outcome {
  const times = checkTimes(policy, finish);
  const at = times[times.length - 1] ?? 0;
  return { polls: times.length, delaySeconds: at - finish };
}

export function averaged(policy: PollPolicy, duration: number): Outcome {
  const outcomes: Outcome[] = [];
  for (let f = Math.round(duration * 0.75); f <= Math.round(duration * 1.25); f++)
    outcomes.push(notice(policy, f));
  const mean = (pick: (o: Outcome) => number) => outcomes.reduce((s, o) => s + pick(o), 0) / outcomes.length;
  return { polls: mean((o) => o.polls), delaySeconds: mean((o) => o.delaySeconds) };
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function run(): Promise<Record<string, unknown>> {
  const chosen = videoPollPolicy(loadConfig({}));
  const deadline = chosen.deadlineSeconds;
  const schedules: Record<string, PollPolicy> = {
    [`chosen ${chosen.firstDelaySeconds}s x${chosen.factor} cap ${chosen.maxDelaySeconds}s`]: chosen,
    'fixed 10s': { firstDelaySeconds: 10, factor: 1, maxDelaySeconds: 10, deadlineSeconds: deadline },
    'fixed 20s': { firstDelaySeconds: 20, factor: 1, maxDelaySeconds: 20, deadlineSeconds: deadline },
    '20s x1.2 cap 45s': {
      firstDelaySeconds: 20,
      factor: 1.2,
      maxDelaySeconds: 45,
      deadlineSeconds: deadline,
    },
    '30s x1.5 cap 60s': {
      firstDelaySeconds: 30,
      factor: 1.5,
      maxDelaySeconds: 60,
      deadlineSeconds: deadline,
    },
  };
  const rows: Record<string, unknown>[] = [];
  for (const [name, policy] of Object.entries(schedules)) {
    for (const d of DURATIONS) {
      const o = averaged(policy, d);
      const transitions = TRANSITIONS_FIXED + TRANSITIONS_PER_POLL * o.polls;
      rows.push({
        schedule: name,
        upstreamSeconds: d,
        polls: r1(o.polls),
        transitions: r1(transitions),
        meanNoticeDelaySeconds: r1(o.delaySeconds),
        delayPercentOfJob: r1((o.delaySeconds / d) * 100),
        usdPer1000Jobs: Math.round(transitions * USD_PER_TRANSITION * 1000 * 1000) / 1000,
      });
    }
  }
  const byName = (n: string, d: number) => rows.find((r) => r.schedule === n && r.upstreamSeconds === d);
  const chosenName = Object.keys(schedules)[0] as string;
  const savings = DURATIONS.map((d) => {
    const c = byName(chosenName, d) as { polls: number; meanNoticeDelaySeconds: number };
    const f = byName('fixed 10s', d) as { polls: number; meanNoticeDelaySeconds: number };
    return {
      upstreamSeconds: d,
      pollsChosen: c.polls,
      pollsFixed10: f.polls,
      fewerPollsPercent: r1((1 - c.polls / f.polls) * 100),
      extraDelaySeconds: r1(c.meanNoticeDelaySeconds - f.meanNoticeDelaySeconds),
    };
  });
  return {
    chosen,
    pollsUntilDeadline: checkTimes(chosen, deadline).length,
    savings,
    rows,
    notes: [
      'Delay ≈ half the poll interval near the finish, polls ≈ time / interval: a longer interval trades one for the other.',
      'The chosen schedule follows the gateway advice (first poll after ~20 s, then every 10–20 s, slowing to 30 s) and keeps the notice delay under ~15 s, small beside multi-minute jobs.',
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  const rows = result.rows as Array<Record<string, unknown>>;
  console.log(
    'schedule'.padEnd(30),
    'D(s)'.padStart(5),
    'polls'.padStart(6),
    'trans'.padStart(6),
    'delay(s)'.padStart(9),
    'delay%'.padStart(7),
    '$/1000 jobs'.padStart(12),
  );
  for (const r of rows)
    console.log(
      String(r.schedule).padEnd(30),
      String(r.upstreamSeconds).padStart(5),
      String(r.polls).padStart(6),
      String(r.transitions).padStart(6),
      String(r.meanNoticeDelaySeconds).padStart(9),
      String(r.delayPercentOfJob).padStart(7),
      String(r.usdPer1000Jobs).padStart(12),
    );
  const { rows: _rows, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
}
