import { describe, expect, it } from 'vitest';
import { classifyAddress, guardUrl, type Resolver } from '../../functions/core/webhooks/ssrf';

const dns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const answers = table[host];
    if (!answers) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const noDns: Resolver = async () => {
  throw new Error('no lookup expected');
};

describe('SSRF guard', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/hook',
    'https://192.168.1.1/hook',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://127.0.0.1/hook',
    'https://[::ffff:169.254.169.254]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
    'https://[fe80::1]/hook',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::]/hook',
    'https://[64:ff9b::10.0.0.1]/hook',
    'https://[2002:a00:1::]/hook',
  ])('refuses %s in the deployed configuration', async (url) => {
    // Act
    const v = await guardUrl(url, noDns);
    // Assess
    expect(v).toMatchObject({ ok: false, reason: 'forbidden-address' });
  });

  it('refuses a hostname that resolves to a private address, even among public ones', async () => {
    // Prepare
    const resolve = dns({
      'hooks.example.com': ['93.184.216.34', '10.1.2.3'],
      'inner.example.com': ['172.16.5.4'],
    });
    // Act
    const mixed = await guardUrl('https://hooks.example.com/x', resolve);
    const inner = await guardUrl('https://inner.example.com/x', resolve);
    // Assess
    expect(mixed).toMatchObject({ ok: false, reason: 'forbidden-address' });
    expect(inner).toMatchObject({ ok: false, reason: 'forbidden-address' });
  });

  it('accepts a public host and pins the address it checked', async () => {
    // Act
    const v = await guardUrl('https://hooks.example.com/x', dns({ 'hooks.example.com': ['93.184.216.34'] }));
    const v6 = await guardUrl('https://[2606:4700::1111]/x', noDns);
    // Assess
    expect(v).toMatchObject({ ok: true, pinned: { address: '93.184.216.34', family: 4 } });
    expect(v6).toMatchObject({ ok: true, pinned: { address: '2606:4700::1111', family: 6 } });
  });

  it('takes loopback and http only when the local stack allows them', async () => {
    // Act
    const deployed = await guardUrl('http://127.0.0.1:9000/x', noDns);
    const localHttp = await guardUrl('http://127.0.0.1:9000/x', noDns, { allowHttp: true });
    const local = await guardUrl('http://127.0.0.1:9000/x', noDns, { allowHttp: true, allowLoopback: true });
    const localPrivate = await guardUrl('http://10.0.0.1/x', noDns, { allowHttp: true, allowLoopback: true });
    // Assess
    expect(deployed).toMatchObject({ ok: false, reason: 'scheme' });
    expect(localHttp).toMatchObject({ ok: false, reason: 'forbidden-address' });
    expect(local.ok).toBe(true);
    expect(localPrivate).toMatchObject({ ok: false, reason: 'forbidden-address' });
  });

  it('refuses URLs that are not URLs, carry credentials, or do not resolve', async () => {
    // Act / Assess
    expect(await guardUrl('not a url', noDns)).toMatchObject({ ok: false, reason: 'invalid-url' });
    expect(await guardUrl('https://u:p@hooks.example.com/', noDns)).toMatchObject({ reason: 'credentials' });
    expect(await guardUrl('https://nowhere.invalid/', dns({}))).toMatchObject({ reason: 'unresolvable' });
    expect(await guardUrl('ftp://hooks.example.com/', noDns)).toMatchObject({ reason: 'scheme' });
  });

  it.each([
    ['8.8.8.8', 'public'],
    ['127.0.0.53', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['fc00::1', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['2001:db8::1', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['172.32.0.1', 'public'],
  ])('classifies %s as %s', (address, cls) => {
    // Assess
    expect(classifyAddress(address)).toBe(cls);
  });
});
