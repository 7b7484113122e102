/**
 * OAuth 1.0a (RFC 5849) HMAC-SHA1 signatures: the signature base string built from the method,
 * the base URI and the normalized parameters (Authorization header `oauth_*` values, query and
 * form body), keyed with `consumer_secret&token_secret`. Used to verify every request the X
 * sandbox receives, and by tests to sign theirs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest } from '../../../sandbox/kit/server.ts';
import { oauth1Header, pct } from '../../kit/oauth1.ts';

/** Parses `OAuth k="v", …` into decoded pairs; undefined when the header is not OAuth. */
export function parseAuthHeader(value: string | undefined): Record<string, string> | undefined {
  const m = value ? /^OAuth\s+(.*)$/is.exec(value.trim()) : null;
  if (!m?.[1]) return undefined;
  const out: Record<string, string> = {};
  for (const part of m[1].split(',')) {
    const kv = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!kv?.[1]) continue;
    try {
      out[decodeURIComponent(kv[1])] = decodeURIComponent(kv[2] ?? '');
    } catch {
      return undefined;
    }
  }
  return out;
}

export function normalizeParams(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([k, v]) => [pct(k), pct(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Scheme and host lower-cased, default ports dropped, no query or fragment. */
export function baseUri(url: string): string {
  const u = new URL(url);
  const defaultPort =
    (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443') || u.port === '';
  return `${u.protocol.toLowerCase()}//${u.hostname.toLowerCase()}${defaultPort ? '' : `:${u.port}`}${u.pathname}`;
}

export function baseString(method: string, uri: string, pairs: readonly (readonly [string, string])[]): string {
  return [method.toUpperCase(), pct(baseUri(uri)), pct(normalizeParams(pairs))].join('&');
}

export function hmacSha1(base: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${pct(consumerSecret)}&${pct(tokenSecret)}`)
    .update(base)
    .digest('base64');
}

export interface SignInput {
  method: string;
  /** Full URL including any query string. */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  /** Form body parameters (they are signed too). */
  form?: Record<string, string>;
  /** Extra oauth_* values such as oauth_callback or oauth_verifier. */
  oauth?: Record<string, string>;
  timestamp?: number;
  nonce?: string;
}

/** Builds the `Authorization: OAuth …` header a client sends (used by tests and demo tooling). */
export function signRequest(i: SignInput): string {
  // Spreading `i` passes its optional nonce and timestamp only when they are set.
  return oauth1Header(i.method, i.url, i, { ...i, form: new URLSearchParams(i.form), extraOauth: i.oauth ?? {} });
}

export interface SignedRequest {
  oauth: Record<string, string>;
  /** Every non-signature parameter, for reading oauth_verifier / oauth_callback wherever it came. */
  params: Record<string, string>;
}

export type VerifyProblem = 'missing' | 'bad_method' | 'consumer_key' | 'timestamp' | 'nonce_reused' | 'signature';

export interface VerifyOptions {
  consumerKey: string;
  consumerSecret: string;
  /** Secret of `oauth_token`; undefined when the token is unknown (then nothing verifies). */
  tokenSecret(token: string | undefined): string | undefined;
  /** Origins the client may have signed against: the sandbox's own and the real hosts. */
  origins: readonly string[];
  nowSeconds: number;
  /** Accepted clock skew; null skips the check. */
  windowSeconds: number | null;
  /** Returns false when this nonce was seen before (replay). */
  useNonce(key: string, timestamp: number): boolean;
}

/** Collects the signed parameters of a request the way RFC 5849 §3.4.1.3 prescribes. */
export function signedPairs(req: SandboxRequest, oauth: Record<string, string>): [string, string][] {
  const pairs: [string, string][] = Object.entries(oauth).filter(([k]) => k !== 'oauth_signature' && k !== 'realm');
  for (const [k, v] of req.url.searchParams) pairs.push([k, v]);
  if ((header(req, 'content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) pairs.push([k, v]);
  }
  return pairs;
}

export function verify(
  req: SandboxRequest,
  o: VerifyOptions,
): { ok: true; signed: SignedRequest } | { ok: false; problem: VerifyProblem } {
  // Header first; RFC 5849 also allows oauth_* in the query or form body.
  let oauth = parseAuthHeader(header(req, 'authorization'));
  const pairsWithout = (): [string, string][] => signedPairs(req, {});
  if (!oauth) {
    const fromParams = Object.fromEntries(pairsWithout().filter(([k]) => k.startsWith('oauth_')));
    if (!fromParams['oauth_signature']) return { ok: false, problem: 'missing' };
    oauth = fromParams;
  }
  if (oauth['oauth_signature_method'] !== 'HMAC-SHA1') return { ok: false, problem: 'bad_method' };
  if (!oauth['oauth_nonce']) return { ok: false, problem: 'missing' };
  if (oauth['oauth_consumer_key'] !== o.consumerKey) return { ok: false, problem: 'consumer_key' };
  const ts = Number(oauth['oauth_timestamp']);
  if (!Number.isInteger(ts) || (o.windowSeconds !== null && Math.abs(o.nowSeconds - ts) > o.windowSeconds))
    return { ok: false, problem: 'timestamp' };
  const signature = oauth['oauth_signature'] ?? '';
  const tokenSecret = o.tokenSecret(oauth['oauth_token']);
  if (tokenSecret === undefined) return { ok: false, problem: 'signature' };
  const headerOauth = parseAuthHeader(header(req, 'authorization')) ? oauth : {};
  const pairs = signedPairs(req, headerOauth).filter(([k]) => k !== 'oauth_signature');
  const given = Buffer.from(signature, 'utf8');
  // Clients that merge parameters into one map (twitter-api-v2 with the `oauth-1.0a` package)
  // sign a parameter sent both in the header and in the body once, not twice as RFC 5849
  // §3.4.1.3 lists it; X accepts their login() (docs/platforms/x.md §Quirks), so both forms verify.
  const candidates = [pairs, uniquePairs(pairs)];
  const good = o.origins.some((origin) =>
    candidates.some((list) => {
      const expected = Buffer.from(
        hmacSha1(baseString(req.method, `${origin}${req.path}`, list), o.consumerSecret, tokenSecret),
        'utf8',
      );
      return expected.length === given.length && timingSafeEqual(expected, given);
    }),
  );
  if (!good) return { ok: false, problem: 'signature' };
  if (!o.useNonce(`${oauth['oauth_consumer_key']}|${oauth['oauth_token'] ?? ''}|${oauth['oauth_nonce'] ?? ''}`, ts))
    return { ok: false, problem: 'nonce_reused' };
  const params = Object.fromEntries(pairs);
  return { ok: true, signed: { oauth, params } };
}

/** The pairs with exact repeats (same name and value) dropped: what a map-based signer signs. */
export function uniquePairs(pairs: readonly (readonly [string, string])[]): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const [k, v] of pairs) {
    const key = `${k}\u0000${v}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([k, v]);
  }
  return out;
}
