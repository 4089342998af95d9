/**
 * Fault injection: rules matched per action (or `*`), each hit with probability `rate` drawn from the
 * seeded generator, optionally only for the next `count` hits. Latency rules add up and let the call go
 * on; the first terminal rule (error, reset, malformed) decides the answer.
 */
import type { SeededRandom } from './random';
import type { FaultKind, FaultRule } from './types';

export interface FaultDecision {
  latencyMs: number;
  terminal?: FaultRule;
  /** True when any rule hit (latency included). */
  hit: boolean;
  /** The kinds that hit: `latency` (once, however many latency rules hit) and the terminal kind. */
  kinds: FaultKind[];
}

const KINDS = new Set(['error', 'latency', 'reset', 'malformed']);

export function validateFaultRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new TypeError('fault rules must be an array');
  return rules.map((r: unknown, i) => {
    if (typeof r !== 'object' || r === null) throw new TypeError(`fault rule ${i} must be an object`);
    const rule = r as Partial<FaultRule>;
    if (typeof rule.action !== 'string' || rule.action === '') throw new TypeError(`fault rule ${i}: action`);
    if (typeof rule.rate !== 'number' || rule.rate < 0 || rule.rate > 1)
      throw new TypeError(`fault rule ${i}: rate must be 0..1`);
    if (typeof rule.kind !== 'string' || !KINDS.has(rule.kind))
      throw new TypeError(`fault rule ${i}: kind must be error, latency, reset or malformed`);
    if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 0))
      throw new TypeError(`fault rule ${i}: count must be a non-negative integer`);
    return { ...rule } as FaultRule;
  });
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private readonly rng: () => SeededRandom) {}

  set(rules: FaultRule[]): void {
    this.rules = validateFaultRules(rules);
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  decide(action: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, hit: false, kinds: [] };
    for (const rule of this.rules) {
      if (rule.action !== '*' && rule.action !== action) continue;
      if (rule.count !== undefined && rule.count <= 0) continue;
      if (rule.kind !== 'latency' && decision.terminal) continue;
      if (this.rng().next() >= rule.rate) continue;
      if (rule.count !== undefined) rule.count -= 1;
      decision.hit = true;
      if (!decision.kinds.includes(rule.kind)) decision.kinds.push(rule.kind);
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 1000;
      else decision.terminal = rule;
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return decision;
  }
}
