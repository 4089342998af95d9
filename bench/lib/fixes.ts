/**
 * Fixes made because of what the benchmarks showed, with the figure before and after, as measured when
 * each fix was made. BENCHMARKS.md lists them so the current figures can be read against the old ones.
 */
export interface FixRecord {
  fix: string;
  figure: string;
  before: string;
  after: string;
  files: string;
}

export const FIX_LOG: readonly FixRecord[] = [
  {
    fix: 'zod imported as `import * as z` instead of `import { z }` (the named namespace kept every locale and the JSON-schema code in each bundle); an ESLint rule on functions/** keeps it so',
    figure: 'bundle size (getGroup / createVideo / getVideo / ValidateImage / upload-created)',
    before: '772 / 811 / 939 / 928 / 761 KiB (zod 443 KiB, 47–58 %)',
    after: '418 / 458 / 584 / 573 / 408 KiB (zod 91 KiB)',
    files:
      'functions/core/config.ts, functions/core/api-schemas/{groups,uploads,videos}.ts, eslint.config.js',
  },
  {
    fix: 'same',
    figure: 'module init, median of 11 fresh processes, A/B interleaved in one run (empty bundle 0.8 ms)',
    before: '96 / 110 / 109 / 102 / 85 ms',
    after: '81 / 88 / 97 / 91 / 77 ms',
    files: '',
  },
  {
    fix: 'same',
    figure: 'RSS after import (same handlers)',
    before: '74.4 / 75.5 / 81.8 / 80.1 / 73.5 MB',
    after: '69.5 / 70.4 / 76.1 / 74.6 / 69.2 MB',
    files: '',
  },
];
