/**
 * Scheme `plexus-hmac`: Plexus's own signature for CMS companion plugins (WordPress, Drupal,
 * Joomla have no signed webhooks in core). `x-plexus-timestamp` holds unix seconds and
 * `x-plexus-signature` is `v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`;
 * several comma-separated `v1=` values are accepted so a plugin can sign with an old and a new
 * secret while one is rotated. Window default 5 minutes.
 */
import type { SchemeResult, WebhookScheme } from './types.ts';
import { anyDigestMatches, freshness, HEX_DIGEST, hmacSha256, stampedSignatureToCheck } from './util.ts';

export const DEFAULT_TIMESTAMP_HEADER = 'x-plexus-timestamp';
const VERSION = 'v1=';
const UNIX_SECONDS = /^\d{1,12}$/;

export const scheme: WebhookScheme = {
  id: 'plexus-hmac',
  verify(input): SchemeResult {
    const got = stampedSignatureToCheck(input, input.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER);
    if ('reason' in got) return got;
    const { timestamp } = got;
    const candidates = got.signature.split(',').map((v) => v.trim());
    const valid = candidates.every((v) => v.startsWith(VERSION) && HEX_DIGEST.test(v.slice(VERSION.length)));
    if (!UNIX_SECONDS.test(timestamp) || !valid) return { ok: false, reason: 'malformed' };
    const expected = hmacSha256(got.secret, timestamp, '.', input.rawBody);
    const digests = candidates.map((v) => v.slice(VERSION.length));
    if (!anyDigestMatches(digests, expected)) return { ok: false, reason: 'bad_signature' };
    return freshness(input, Number(timestamp) * 1000);
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
