/**
 * Scheme `hmac-sha256-hex-timestamped` (Webflow, cms.md §5.4): `x-webflow-timestamp` holds epoch
 * milliseconds and `x-webflow-signature` the lowercase hex HMAC-SHA256 of `<timestamp>:<raw body>`,
 * keyed with the OAuth app's client secret. The platform SDK skips the age check; this one
 * enforces the window (default 5 minutes), after the digest matches so that only genuine but
 * old deliveries are reported as stale.
 */
import type { SchemeResult, WebhookScheme } from './types.ts';
import { freshness, HEX_DIGEST, hmacSha256, safeEqual, stampedSignatureToCheck } from './util.ts';

const MS_TIMESTAMP = /^\d{1,16}$/;

export const scheme: WebhookScheme = {
  id: 'hmac-sha256-hex-timestamped',
  verify(input): SchemeResult {
    // The definition names the header (registry.test.ts requires it); without one nothing verifies.
    const got = stampedSignatureToCheck(input, input.timestampHeader ?? '');
    if ('reason' in got) return got;
    const { timestamp } = got;
    if (!MS_TIMESTAMP.test(timestamp) || !HEX_DIGEST.test(got.signature)) return { ok: false, reason: 'malformed' };
    // The timestamp is signed as the exact header text, not a re-formatted number.
    const expected = hmacSha256(got.secret, timestamp, ':', input.rawBody);
    if (!safeEqual(Buffer.from(got.signature, 'hex'), expected)) return { ok: false, reason: 'bad_signature' };
    return freshness(input, Number(timestamp));
  },
  sign(input, names) {
    if (!names.timestampHeader)
      throw new Error('hmac-sha256-hex-timestamped signs with a timestamp header; the definition names none');
    const timestamp = String(Math.trunc(input.nowMs));
    const signature = hmacSha256(input.secret, timestamp, ':', input.rawBody).toString('hex');
    return {
      headers: {
        [names.timestampHeader.toLowerCase()]: timestamp,
        [names.signatureHeader.toLowerCase()]: signature,
      },
      body: input.rawBody,
    };
  },
};
