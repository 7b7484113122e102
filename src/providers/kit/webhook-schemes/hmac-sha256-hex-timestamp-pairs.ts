/**
 * Scheme `hmac-sha256-hex-timestamp-pairs` (TikTok, ads.md §3.7): the signature header holds
 * `t=<unix seconds>,s=<sig>` where
 * sig is the lowercase hex HMAC-SHA256 of `<t>.<raw body>` keyed with the app secret. Stale `t`
 * (default window 5 minutes) is rejected after the digest matches. Several `s=` entries are
 * tolerated so a rotating sender can carry old and new signatures.
 */
import type { SchemeResult, WebhookScheme } from './types.ts';
import { anyDigestMatches, freshness, HEX_DIGEST, hmacSha256, signatureToCheck } from './util.ts';

const UNIX_SECONDS = /^\d{1,12}$/;

/** `t` and every `s` in the header, or undefined when the value does not have that shape. */
export function parseTimestampPairs(value: string): { t: string; s: string[] } | undefined {
  let t: string | undefined;
  const s: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined) return undefined;
      t = v;
    } else if (key === 's') s.push(v);
  }
  if (t === undefined || !UNIX_SECONDS.test(t) || s.length === 0 || !s.every((x) => HEX_DIGEST.test(x)))
    return undefined;
  return { t, s };
}

export const scheme: WebhookScheme = {
  id: 'hmac-sha256-hex-timestamp-pairs',
  verify(input): SchemeResult {
    const got = signatureToCheck(input);
    if ('reason' in got) return got;
    const parsed = parseTimestampPairs(got.signature);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const expected = hmacSha256(got.secret, parsed.t, '.', input.rawBody);
    if (!anyDigestMatches(parsed.s, expected)) return { ok: false, reason: 'bad_signature' };
    return freshness(input, Number(parsed.t) * 1000);
  },
  sign(input, names) {
    const t = String(Math.floor(input.nowMs / 1000));
    const s = hmacSha256(input.secret, t, '.', input.rawBody).toString('hex');
    return { headers: { [names.signatureHeader.toLowerCase()]: `t=${t},s=${s}` }, body: input.rawBody };
  },
};
