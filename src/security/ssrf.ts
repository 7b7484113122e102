import { lookup as dnsLookup } from 'node:dns';
import net from 'node:net';
import { plexusError } from '../core/errors.ts';

/**
 * Guards requests to URLs that users typed (site URLs, shop domains): a name that resolves
 * to loopback, private, link-local, CGNAT, multicast or cloud-metadata addresses is refused,
 * unless its host is on the explicit allow-list (the sandbox and tests use one). The check
 * runs on the resolved address at connect time, so DNS rebinding and redirects to such
 * addresses are caught as well.
 */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const blockList = new net.BlockList();
for (const [addr, prefix] of BLOCKED_V4) blockList.addSubnet(addr, prefix, 'ipv4');
for (const [addr, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blockList.addSubnet(addr, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  if (net.isIPv4(address)) return blockList.check(address, 'ipv4');
  if (net.isIPv6(address)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blockList.check(mapped[1]!, 'ipv4');
    return blockList.check(address, 'ipv6');
  }
  return true;
}

export interface SsrfPolicy {
  /** Hosts (name or name:port) that may resolve anywhere, e.g. the local sandbox. */
  allowHosts: ReadonlySet<string>;
}

export function parseAllowList(value: string | undefined): SsrfPolicy {
  return { allowHosts: new Set((value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) };
}

/** Exact `host`, `host:port`, or `*.suffix` entries. */
export function hostAllowed(policy: SsrfPolicy, hostname: string, host = hostname): boolean {
  const h = hostname.toLowerCase();
  if (policy.allowHosts.has(h) || policy.allowHosts.has(host.toLowerCase())) return true;
  for (const entry of policy.allowHosts) {
    if (entry.startsWith('*.') && h.endsWith(entry.slice(1))) return true;
  }
  return false;
}

export function isAllowedHost(policy: SsrfPolicy, url: URL): boolean {
  return hostAllowed(policy, url.hostname, url.host);
}

/** Checks a user-supplied URL before it is stored: scheme, no credentials, and (unless allowed) a public address. */
export async function assertPublicUrl(raw: string, policy: SsrfPolicy, field: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw plexusError('validation_failed', { message: `${field} is not a URL.`, details: [{ path: field, message: 'not a URL' }] });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw plexusError('validation_failed', { message: `${field} must be http(s).`, details: [{ path: field, message: 'scheme' }] });
  }
  if (url.username || url.password) {
    throw plexusError('validation_failed', { message: `${field} must not contain credentials.`, details: [{ path: field, message: 'credentials in URL' }] });
  }
  if (isAllowedHost(policy, url)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await resolveAll(host);
  if (addresses.length === 0 || addresses.some(isBlockedAddress)) {
    throw plexusError('unprocessable', {
      message: `${field} resolves to a private or reserved address; Plexus only connects to public sites.`,
      details: [{ path: field, message: 'ssrf_blocked' }],
    });
  }
  return url;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve) => dnsLookup(host, { all: true }, (err, addrs) => resolve(err ? [] : addrs.map((a) => a.address))));
}

/** A `lookup` for undici's connector that refuses blocked addresses at connect time. */
export function guardedLookup(policy: SsrfPolicy) {
  return (hostname: string, options: object, callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return callback(err, []);
      const allowed = hostAllowed(policy, hostname);
      const ok = allowed ? addrs : addrs.filter((a) => !isBlockedAddress(a.address));
      if (ok.length === 0) return callback(Object.assign(new Error(`blocked address for ${hostname}`), { code: 'SSRF_BLOCKED' }), []);
      if ((options as { all?: boolean }).all) return callback(null, ok);
      return callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
