/**
 * Scheme `plexus-hmac`: Plexus's own signature for CMS companion plugins (WordPress, Drupal,
 * Joomla have no signed webhooks in core). `x-plexus-timestamp` holds unix seconds and
 * `x-plexus-signature` is `v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`;
 * several comma-separated `v1=` values are accepted so a plugin can sign with an old and a new
 * secret while one is rotated. Window default 5 minutes.
 */
import type { SchemeResult, WebhookScheme } from './types.ts';
import { DEFAULT_TOLERANCE_SECONDS, HEX_DIGEST, hasSecret, header, hmacSha256, isFresh, safeEqual } from './util.ts';

export const DEFAULT_TIMESTAMP_HEADER = 'x-plexus-timestamp';
const VERSION = 'v1=';
const UNIX_SECONDS = /^\d{1,12}$/;

export const scheme: WebhookScheme = {
  id: 'plexus-hmac',
  verify(input): SchemeResult {
    if (!hasSecret(input.secret)) return { ok: false, reason: 'missing_secret' };
    const signature = header(input, input.signatureHeader);
    const timestamp = header(input, input.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER);
    if (signature === undefined || timestamp === undefined) return { ok: false, reason: 'missing_signature' };
    const candidates = signature.split(',').map((v) => v.trim());
    const valid = candidates.every((v) => v.startsWith(VERSION) && HEX_DIGEST.test(v.slice(VERSION.length)));
    if (!UNIX_SECONDS.test(timestamp) || !valid) return { ok: false, reason: 'malformed' };
    const expected = hmacSha256(input.secret, timestamp, '.', input.rawBody);
    let match = false;
    for (const v of candidates) match = safeEqual(Buffer.from(v.slice(VERSION.length), 'hex'), expected) || match;
    if (!match) return { ok: false, reason: 'bad_signature' };
    if (!isFresh(Number(timestamp) * 1000, input.nowMs, input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
      return { ok: false, reason: 'stale_timestamp' };
    }
    return { ok: true };
  },
  sign(input, names) {
    const timestamp = String(Math.floor(input.nowMs / 1000));
    const digest = hmacSha256(input.secret, timestamp, '.', input.rawBody).toString('hex');
    return {
      headers: {
        [(names.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER).toLowerCase()]: timestamp,
        [names.signatureHeader.toLowerCase()]: `${VERSION}${digest}`,
      },
      body: input.rawBody,
    };
  },
};
