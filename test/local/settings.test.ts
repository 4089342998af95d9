import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_DEV_CREDENTIALS, devCredentialsFromEnv } from '../../cli/dev-credentials';
import { loadDotEnv } from '../../local/start';

const KEYS = ['SEEDANCE_TEST_FROM_FILE', 'SEEDANCE_TEST_FROM_SHELL'];
afterEach(() => {
  for (const k of KEYS) delete process.env[k];
});

describe('local stack settings', () => {
  it('uses the printed dev credentials unless both LOCAL_ variables are set', () => {
    // Prepare
    const both = { LOCAL_ACCESS_KEY_ID: 'AKIDMINE', LOCAL_SECRET_ACCESS_KEY: 'mine' };

    // Act
    const defaults = devCredentialsFromEnv({});
    const mine = devCredentialsFromEnv(both);
    const half = () => devCredentialsFromEnv({ LOCAL_ACCESS_KEY_ID: 'AKIDMINE' });

    // Assess
    expect(defaults).toEqual(LOCAL_DEV_CREDENTIALS);
    expect(mine).toEqual({ accessKeyId: 'AKIDMINE', secretAccessKey: 'mine' });
    expect(half).toThrow('LOCAL_SECRET_ACCESS_KEY');
  });

  it('reads .env without overriding what the shell set', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'seedance-env-')), '.env');
    writeFileSync(file, 'SEEDANCE_TEST_FROM_FILE=file\nSEEDANCE_TEST_FROM_SHELL=file\n');
    process.env.SEEDANCE_TEST_FROM_SHELL = 'shell';

    // Act
    loadDotEnv(file);

    // Assess
    expect(process.env.SEEDANCE_TEST_FROM_FILE).toBe('file');
    expect(process.env.SEEDANCE_TEST_FROM_SHELL).toBe('shell');
  });
});
