/**
 * The SSRF guard for every URL we call on a caller's behalf (webhook endpoints): resolve the host,
 * refuse any address that is not public unicast, and hand back the address to connect to, so the
 * connection is pinned to what was checked (no second lookup a DNS-rebinding answer could change).
 * Run at registration and again before every delivery attempt. Pure logic over a resolver port; the
 * adapter supplies `dns.lookup` and connects to the pinned address with the original Host/SNI.
 *
 * Refused: loopback, private (RFC 1918), carrier-grade NAT, link-local (and with it the cloud
 * metadata address 169.254.169.254), "this network", benchmarking, documentation, multicast,
 * reserved and broadcast IPv4; IPv6 loopback, unspecified, unique-local (fc00::/7), link-local
 * (fe80::/10), multicast, documentation, NAT64/6to4/Teredo wrappers, and IPv4-mapped / -compatible
 * addresses judged by the IPv4 inside. Loopback only when the local stack allows it.
 */
import { isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** `dns.lookup(host, { all: true })` in the adapter; a fake in tests. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface GuardOptions {
  /** The local stack's receivers listen on 127.0.0.1 / ::1. Never in the cloud. */
  allowLoopback?: boolean;
  /** `https:` only in the cloud; the local stack also takes `http:`. */
  allowHttp?: boolean;
}

export type GuardVerdict =
  | { ok: true; url: URL; pinned: ResolvedAddress }
  | {
      ok: false;
      reason: 'invalid-url' | 'scheme' | 'credentials' | 'unresolvable' | 'forbidden-address';
      detail: string;
    };

const v4 = (a: string): number[] => a.split('.').map(Number);

function inV4(addr: number[], base: string, bits: number): boolean {
  const b = v4(base);
  const toInt = (x: number[]) =>
    (((x[0] ?? 0) << 24) | ((x[1] ?? 0) << 16) | ((x[2] ?? 0) << 8) | (x[3] ?? 0)) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(addr) & mask) === (toInt(b) & mask);
}

const V4_FORBIDDEN: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/** The 8 groups of an IPv6 address (with an embedded dotted IPv4 expanded). */
function v6Groups(address: string): number[] {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted?.[1]) {
    const [p, q, r, s] = v4(dotted[1]);
    a =
      a.slice(0, -dotted[1].length) +
      `${(((p ?? 0) << 8) | (q ?? 0)).toString(16)}:${(((r ?? 0) << 8) | (s ?? 0)).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail ? tail.split(':').filter(Boolean) : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function embeddedV4(g: number[]): string {
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export type AddressClass = 'public' | 'loopback' | 'forbidden';

export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 4) {
    const a = v4(address);
    if (inV4(a, '127.0.0.0', 8)) return 'loopback';
    return V4_FORBIDDEN.some(([b, bits]) => inV4(a, b, bits)) || address === '255.255.255.255'
      ? 'forbidden'
      : 'public';
  }
  if (family !== 6) return 'forbidden';
  const g = v6Groups(address);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(8)) return 'forbidden';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): judged by the IPv4.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyAddress(embeddedV4(g));
  if (zeroUpTo(6)) return classifyAddress(embeddedV4(g));
  if (g[0] === 0x64 && g[1] === 0xff9b) return classifyAddress(embeddedV4(g));
  const first = g[0] ?? 0;
  if ((first & 0xfe00) === 0xfc00) return 'forbidden'; // fc00::/7 unique-local
  if ((first & 0xffc0) === 0xfe80) return 'forbidden'; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return 'forbidden'; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return 'forbidden'; // multicast
  if (first === 0x2001 && g[1] === 0x0db8) return 'forbidden'; // documentation
  if (first === 0x2001 && g[1] === 0x0000) return 'forbidden'; // Teredo
  if (first === 0x2002) return 'forbidden'; // 6to4 wraps any IPv4
  if (first === 0x0100 && zeroUpTo(4)) return 'forbidden'; // discard-only
  return 'public';
}

function allowed(cls: AddressClass, opts: GuardOptions): boolean {
  return cls === 'public' || (cls === 'loopback' && opts.allowLoopback === true);
}

/** Checks a URL and picks the address to connect to; every resolved address must pass. */
export async function guardUrl(
  raw: string,
  resolve: Resolver,
  opts: GuardOptions = {},
): Promise<GuardVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid-url', detail: 'not a URL' };
  }
  if (url.protocol !== 'https:' && !(opts.allowHttp && url.protocol === 'http:'))
    return { ok: false, reason: 'scheme', detail: `${url.protocol} is not accepted` };
  if (url.username || url.password)
    return { ok: false, reason: 'credentials', detail: 'a URL with user info is not accepted' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: 'unresolvable', detail: `${host} does not resolve` };
    }
  }
  if (addresses.length === 0)
    return { ok: false, reason: 'unresolvable', detail: `${host} does not resolve` };
  // One bad answer is enough to refuse: a resolver may rotate a private address in later.
  const bad = addresses.find((a) => !allowed(classifyAddress(a.address), opts));
  if (bad)
    return { ok: false, reason: 'forbidden-address', detail: `${host} resolves to a non-public address` };
  return { ok: true, url, pinned: addresses[0] as ResolvedAddress };
}
