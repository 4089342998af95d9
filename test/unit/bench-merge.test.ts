// The note at the top of BENCHMARKS.md after partial runs (bench/lib/merge.ts): every section re-run
// since the last whole run keeps its own time, and a section run again takes its new one.
import { describe, expect, it } from 'vitest';
import { partialNote } from '../../bench/lib/merge';

describe('partialNote', () => {
  it('keeps the sections re-run before and dates the ones of this run', () => {
    const before =
      'Re-run with `--only`: media-validation on 2026-12-02T03:33:17.408Z and real-limits on 2026-12-02T03:58:45.729Z; the other sections are from the run above.';
    const note = partialNote(before, ['cold-start', 'real-limits'], new Date('2026-12-02T07:05:00.000Z'));
    expect(note).toBe(
      'Re-run with `--only`: media-validation on 2026-12-02T03:33:17.408Z, cold-start on 2026-12-02T07:05:00.000Z and real-limits on 2026-12-02T07:05:00.000Z; the other sections are from the run above.',
    );
  });

  it('names one section alone when it is the first partial run', () => {
    expect(partialNote(undefined, ['polling'], new Date('2026-12-02T07:07:29.709Z'))).toBe(
      'Re-run with `--only`: polling on 2026-12-02T07:07:29.709Z; the other sections are from the run above.',
    );
  });
});
