/**
 * Seeded pseudo-random numbers (mulberry32) so a run with the same seed draws the same delays, IDs and
 * fault decisions. Hand-written because it is ten lines and Math.random cannot be seeded.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Lower-case alphanumerics, the suffix alphabet of upstream IDs. */
  token(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

/** `YYYYMMDDhhmmss` in UTC, the middle part of `group-…`, `asset-…` and `cgt-…` IDs. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** ISO-8601 UTC without milliseconds (`2026-03-18T03:57:10Z`), the Volcengine time format. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newId(
  prefix: string,
  rng: SeededRandom,
  now: number,
  taken: (id: string) => boolean,
): string {
  for (;;) {
    const id = `${prefix}-${compactUtc(now)}-${rng.token(5)}`;
    if (!taken(id)) return id;
  }
}
