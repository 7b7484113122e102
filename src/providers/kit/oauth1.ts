import { createHmac, randomBytes } from 'node:crypto';

/** RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 §3.6) requires. */
export function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
}

/**
 * The `Authorization: OAuth …` header for one request (RFC 5849, HMAC-SHA1). The signature
 * covers the method, the URL without query, and every query, form and oauth_* parameter,
 * sorted after encoding.
 */
export function oauth1Header(
  method: string,
  url: string,
  keys: OAuth1Keys,
  opts: { form?: URLSearchParams; extraOauth?: Record<string, string>; nonce?: string; timestamp?: number } = {},
): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: opts.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(keys.token ? { oauth_token: keys.token } : {}),
    ...opts.extraOauth,
  };
  const pairs: [string, string][] = [];
  for (const [k, v] of u.searchParams) pairs.push([pct(k), pct(v)]);
  for (const [k, v] of opts.form ?? []) pairs.push([pct(k), pct(v)]);
  for (const [k, v] of Object.entries(oauth)) pairs.push([pct(k), pct(v)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1));
  const paramString = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const base = `${method.toUpperCase()}&${pct(`${u.origin}${u.pathname}`)}&${pct(paramString)}`;
  const key = `${pct(keys.consumerSecret)}&${pct(keys.tokenSecret ?? '')}`;
  const signature = createHmac('sha1', key).update(base).digest('base64');
  const header = { ...oauth, oauth_signature: signature };
  return `OAuth ${Object.entries(header)
    .map(([k, v]) => `${pct(k)}="${pct(v)}"`)
    .join(', ')}`;
}
