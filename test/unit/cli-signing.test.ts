import { describe, expect, it } from 'vitest';
import { createSigner } from '../../cli/signing';
import {
  isLoopbackUrl,
  localCredentials,
  LOCAL_DEFAULT_CREDENTIALS,
  resolveConnection,
} from '../../cli/connection';

// AWS's published SigV4 test suite, case "get-vanilla" (credentials and date are the suite's own).
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  date: new Date('2015-08-30T12:36:00Z'),
};

describe('createSigner', () => {
  it('matches the AWS SigV4 test suite (get-vanilla)', async () => {
    // Prepare
    const sign = createSigner({ credentials: SUITE.credentials, region: 'us-east-1', service: 'service' });

    // Act
    const headers = await sign(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} },
      SUITE.date,
    );

    // Assess
    expect(headers).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  it('signs the session token of temporary credentials and never returns a host header', async () => {
    // Prepare
    const sign = createSigner({
      credentials: { ...SUITE.credentials, sessionToken: 'tok' },
      region: 'eu-west-1',
    });

    // Act
    const headers = await sign(
      {
        method: 'POST',
        url: new URL('http://127.0.0.1:3000/groups'),
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
      SUITE.date,
    );

    // Assess
    expect(headers['x-amz-security-token']).toBe('tok');
    expect(headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
    expect(headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token',
    );
    expect(headers.host).toBeUndefined();
  });
});

describe('resolveConnection', () => {
  it('defaults to the local stack with its dev credentials', () => {
    // Act
    const c = resolveConnection({}, {});

    // Assess
    expect(c).toMatchObject({
      apiUrl: 'http://127.0.0.1:3000',
      region: 'us-east-1',
      local: true,
      credentials: LOCAL_DEFAULT_CREDENTIALS,
    });
  });

  it('takes the URL and region from the environment and uses the AWS chain for a remote API', () => {
    // Act
    const c = resolveConnection(
      {},
      { SEEDANCE_API_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/', AWS_REGION: 'eu-west-1' },
    );

    // Assess
    expect(c).toMatchObject({
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      region: 'eu-west-1',
      local: false,
    });
    expect(typeof c.credentials).toBe('function');
  });

  it('lets flags win over the environment, and --no-local force the chain on loopback', () => {
    // Act
    const c = resolveConnection(
      { api: 'http://localhost:4000', region: 'ap-southeast-1', local: false },
      { SEEDANCE_API_URL: 'https://x' },
    );

    // Assess
    expect(c).toMatchObject({ apiUrl: 'http://localhost:4000', region: 'ap-southeast-1', local: false });
  });

  it('refuses half of the local credentials, as the local stack does', () => {
    // Act / Assess
    expect(() => localCredentials({ LOCAL_ACCESS_KEY_ID: 'K' })).toThrow(/both/);
  });

  it('reads LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY', () => {
    // Act
    const creds = localCredentials({ LOCAL_ACCESS_KEY_ID: 'K', LOCAL_SECRET_ACCESS_KEY: 'S' });

    // Assess
    expect(creds).toEqual({ accessKeyId: 'K', secretAccessKey: 'S' });
  });

  it('refuses a URL that is not http(s)', () => {
    // Act / Assess
    expect(() => resolveConnection({ api: 'ftp://x' }, {})).toThrow(/http\(s\) URL/);
    expect(() => resolveConnection({ api: 'nope' }, {})).toThrow(/http\(s\) URL/);
  });

  it('knows loopback hosts', () => {
    // Act / Assess
    expect(['http://127.0.0.1:1', 'http://localhost', 'http://[::1]:3000'].map(isLoopbackUrl)).toEqual([
      true,
      true,
      true,
    ]);
    expect(isLoopbackUrl('https://example.com')).toBe(false);
  });
});
