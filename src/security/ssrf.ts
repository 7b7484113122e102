import { lookup as dnsLookup } from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { plexusError } from '../core/errors.ts';

/**
 * Guards requests to URLs that users typed (site URLs, shop domains, webhook endpoints): an
 * address that is loopback, private, link-local, CGNAT, multicast, cloud metadata, or an IPv6
 * form that reaches IPv4 (mapped, compatible, translated, NAT64, 6to4, Teredo) is refused,
 * unless the origin (host AND port) is on the explicit allow-list. It is checked three times:
 * when a URL is stored, in the DNS lookup of every connection, and on the address the socket
 * actually connected to (Node skips the lookup for IP literals), always under the policy of
 * that moment, so a URL stored under a looser policy is not called once it is tightened.
 */
const BLOCKED_V4: [string, number][] = [
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

/** IPv6 ranges refused outright; IPv4-mapped (`::ffff:0:0/96`) is judged by its IPv4 address. */
const BLOCKED_V6: [string, number][] = [
  ['::', 96], // unspecified, loopback and IPv4-compatible (::7f00:1 is 127.0.0.1)
  ['::ffff:0:0:0', 96], // IPv4-translated (::ffff:0:7f00:1)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds an IPv4 server and client)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const v4Blocks = new net.BlockList();
for (const [addr, prefix] of BLOCKED_V4) v4Blocks.addSubnet(addr, prefix, 'ipv4');
const v6Blocks = new net.BlockList();
for (const [addr, prefix] of BLOCKED_V6) v6Blocks.addSubnet(addr, prefix, 'ipv6');
const v4Mapped = new net.BlockList();
v4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/** The last 32 bits of an IPv6 address as dotted IPv4 (`::ffff:7f00:1` → `127.0.0.1`). */
function embeddedV4(address: string): string {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) return dotted[1]!;
  const words = address.split(':');
  const lo = parseInt(words.at(-1) || '0', 16);
  const hi = parseInt(words.at(-2) || '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isBlockedAddress(raw: string): boolean {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(address)) return v4Blocks.check(address, 'ipv4');
  if (net.isIPv6(address)) {
    if (v4Mapped.check(address, 'ipv6')) return v4Blocks.check(embeddedV4(address), 'ipv4');
    return v6Blocks.check(address, 'ipv6');
  }
  return true;
}

export interface SsrfPolicy {
  /**
   * Allowed origins: `host` (its scheme's default port), `host:port`, `host:*` (any port),
   * `*.suffix` and `*.suffix:port`. Read at every connection, so changes apply at once.
   */
  allowHosts: Set<string>;
}

export function parseAllowList(value: string | undefined): SsrfPolicy {
  return {
    allowHosts: new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  };
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

/** Splits an allow-list entry into host and port (`*` for any, undefined for the default). */
function splitEntry(entry: string): { host: string; port: string | undefined } {
  const bracket = /^\[([^\]]+)\](?::(\d+|\*))?$/.exec(entry);
  if (bracket) return { host: bracket[1]!, port: bracket[2] };
  const i = entry.lastIndexOf(':');
  // A bare IPv6 literal has several colons and no port.
  if (i > 0 && entry.indexOf(':') === i) return { host: entry.slice(0, i), port: entry.slice(i + 1) };
  return { host: entry, port: undefined };
}

/** True when the origin (host and port) is on the allow-list. */
export function originAllowed(policy: SsrfPolicy, hostname: string, port: number, protocol = 'https:'): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const entry of policy.allowHosts) {
    const e = splitEntry(entry);
    const hostOk = e.host === h || (e.host.startsWith('*.') && h.endsWith(e.host.slice(1)));
    if (!hostOk) continue;
    if (e.port === '*') return true;
    if (e.port === undefined ? port === 80 || port === 443 || port === defaultPort(protocol) : Number(e.port) === port)
      return true;
  }
  return false;
}

export function isAllowedOrigin(policy: SsrfPolicy, url: URL): boolean {
  return originAllowed(policy, url.hostname, url.port ? Number(url.port) : defaultPort(url.protocol), url.protocol);
}

/** The origin an allow-list entry needs for this base URL (`host:port`). */
export function originEntry(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.hostname.toLowerCase()}:${u.port || defaultPort(u.protocol)}`;
}

const blocked = (field: string) =>
  plexusError('unprocessable', {
    message: `${field} resolves to a private or reserved address, or a port not allowed; Plexus only connects to public sites.`,
    details: [{ path: field, message: 'ssrf_blocked' }],
  });

/** Checks a user-supplied URL before it is stored: scheme, no credentials, and (unless allowed) a public address. */
export async function assertPublicUrl(raw: string, policy: SsrfPolicy, field: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw plexusError('validation_failed', {
      message: `${field} is not a URL.`,
      details: [{ path: field, message: 'not a URL' }],
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw plexusError('validation_failed', {
      message: `${field} must be http(s).`,
      details: [{ path: field, message: 'scheme' }],
    });
  }
  if (url.username || url.password) {
    throw plexusError('validation_failed', {
      message: `${field} must not contain credentials.`,
      details: [{ path: field, message: 'credentials in URL' }],
    });
  }
  if (isAllowedOrigin(policy, url)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await resolveAll(host);
  if (addresses.length === 0 || addresses.some(isBlockedAddress)) throw blocked(field);
  return url;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve) =>
    dnsLookup(host, { all: true }, (err, addrs) => resolve(err ? [] : addrs.map((a) => a.address))),
  );
}

const ssrfError = (host: string) => Object.assign(new Error(`blocked address for ${host}`), { code: 'SSRF_BLOCKED' });

/** A `lookup` that drops blocked addresses (unless the origin is allowed) before connecting. */
export function guardedLookup(policy: SsrfPolicy, port: number, protocol: string) {
  return (
    hostname: string,
    options: object,
    callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return callback(err, []);
      const ok = originAllowed(policy, hostname, port, protocol)
        ? addrs
        : addrs.filter((a) => !isBlockedAddress(a.address));
      if (ok.length === 0) return callback(ssrfError(hostname), []);
      if ((options as { all?: boolean }).all) return callback(null, ok);
      return callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

type ConnectOptions = Parameters<buildConnector.connector>[0];
type ConnectCallback = Parameters<buildConnector.connector>[1];

/**
 * undici's `connect` for every outbound client: under the policy of this moment, an origin
 * not on the allow-list may not reach a blocked address, whether it is a name (filtered in the
 * lookup) or an IP literal (refused before connecting, since Node does no lookup for one); and
 * the address the socket really connected to is checked once more before a byte is sent.
 * Every connection, a redirect's included, goes through here.
 */
export function guardedConnector(
  policy: SsrfPolicy,
  opts0: { publicOnly?: boolean; timeoutMs?: number } = {},
): buildConnector.connector {
  const timeoutMs = opts0.timeoutMs ?? 10_000;
  const none: SsrfPolicy = { allowHosts: new Set() };
  return (opts: ConnectOptions, callback: ConnectCallback) => {
    const hostname = opts.hostname.replace(/^\[|\]$/g, '');
    const port = Number(opts.port) || defaultPort(opts.protocol);
    if (opts0.publicOnly) policy = none;
    const allowed = originAllowed(policy, hostname, port, opts.protocol);
    if (!allowed && net.isIP(hostname) && isBlockedAddress(hostname)) return callback(ssrfError(hostname), null);
    const connect = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(policy, port, opts.protocol) });
    connect(opts, (err, socket) => {
      if (err || !socket) return callback(err ?? ssrfError(hostname), null);
      const remote = socket.remoteAddress;
      if (!originAllowed(policy, hostname, port, opts.protocol) && (!remote || isBlockedAddress(remote))) {
        socket.destroy();
        return callback(ssrfError(hostname), null);
      }
      callback(null, socket);
    });
  };
}

/**
 * Two pools, so a kept-alive socket never outlives the policy that let it connect: origins on
 * the allow-list at the moment of the request use one, every other origin uses a pool whose
 * sockets could only ever connect to public addresses. An origin dropped from the list moves
 * to the public pool at its next request, and cannot reuse a socket to a private address.
 */
export class GuardedDispatchers {
  private readonly allowed: Dispatcher;
  private readonly public: Dispatcher;

  constructor(private readonly policy: SsrfPolicy) {
    this.allowed = new Agent({ connect: guardedConnector(policy), keepAliveTimeout: 10_000 });
    this.public = new Agent({ connect: guardedConnector(policy, { publicOnly: true }), keepAliveTimeout: 10_000 });
  }

  for(url: string): Dispatcher {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return this.public;
    }
    return isAllowedOrigin(this.policy, u) ? this.allowed : this.public;
  }

  async close(): Promise<void> {
    await Promise.all([this.allowed.close(), this.public.close()]);
  }
}
