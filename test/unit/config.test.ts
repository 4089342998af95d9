import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseCredentials } from '../../functions/core/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const c = loadConfig({});
    // Assess
    expect(c.projectName).toBe('default');
    expect(c.volcEndpoint).toBe('https://open.volcengineapi.com');
    expect(c.volcRegion).toBe('cn-beijing');
    expect(c.seedanceApiBase).toBe('https://api.apiyi.com/seedance');
    expect(c.seedanceModel).toBe('doubao-seedance-2-0-260128');
    expect(c.cleanupDryRun).toBe(false);
  });

  it('reads overrides and trims trailing slashes', () => {
    const c = loadConfig({
      ARK_PROJECT_NAME: 'Team',
      VOLC_ENDPOINT: 'http://127.0.0.1:4010/',
      CLEANUP_DRY_RUN: 'true',
    });
    expect(c.projectName).toBe('Team');
    expect(c.volcEndpoint).toBe('http://127.0.0.1:4010');
    expect(c.cleanupDryRun).toBe(true);
  });

  it('names the bad setting', () => {
    expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: 'soon' })).toThrow(/UPSTREAM_TIMEOUT_MS/);
  });
});

describe('parseCredentials', () => {
  it('parses the secret shape', () => {
    const c = parseCredentials(
      JSON.stringify({ accessKeyId: 'AKLT1', secretAccessKey: 'sk-secret', apiToken: 'tok' }),
    );
    expect(c.accessKeyId).toBe('AKLT1');
  });

  it('names missing fields without echoing values', () => {
    const secret = 'very-secret-value';
    const err = (() => {
      try {
        parseCredentials(JSON.stringify({ accessKeyId: 'AK', secretAccessKey: secret }));
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/apiToken/);
    expect(err.message).not.toContain(secret);
  });
});

describe('MAX_IMAGE_BYTES', () => {
  it('cannot be set above what upstream accepts (30 MB), where it would have no effect', () => {
    // Act
    const above = () => loadConfig({ MAX_IMAGE_BYTES: String(40 * 1024 * 1024) });
    const below = loadConfig({ MAX_IMAGE_BYTES: '1000' });
    // Assess
    expect(above).toThrow(ConfigError);
    expect(above).toThrow(/MAX_IMAGE_BYTES/);
    expect(below.maxImageBytes).toBe(1000);
    expect(loadConfig({}).maxImageBytes).toBe(30 * 1024 * 1024 - 1);
  });
});
