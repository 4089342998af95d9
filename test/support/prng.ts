/**
 * mulberry32: a tiny seeded PRNG so generated test data is identical on every run and a failing case
 * reproduces from its seed. Hand-written because it is eight lines; Math.random cannot be seeded.
 * (local/upstream-sim/random.ts keeps its own copy on purpose: the simulator does not import test code.)
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
