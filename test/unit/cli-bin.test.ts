import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('cli/bin.mjs', () => {
  it('starts the TypeScript CLI from plain node through tsx', async () => {
    // Act
    const { stdout } = await run(process.execPath, ['cli/bin.mjs', 'video', 'create', '--help']);

    // Assess
    expect(stdout).toContain('Usage: seedance video create [options]');
    expect(stdout).toContain('--ref <ids...>');
  });

  it('exits non-zero with the error code when the API cannot be reached', async () => {
    // Act
    const err = await run(process.execPath, [
      'cli/bin.mjs',
      '--api',
      'http://127.0.0.1:9',
      'groups',
      'list',
      '--json',
    ]).catch((e: unknown) => e as { code: number; stderr: string; stdout: string });

    // Assess
    expect(err).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse((err as { stderr: string }).stderr)).toMatchObject({
      error: { code: 'ConnectionFailed' },
    });
  });
});
