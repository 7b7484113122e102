/**
 * Scheme `hmac-sha256-base64`: the signature header carries the standard base64 HMAC-SHA256 of
 * the raw body, keyed with the app secret (Shopify's X-Shopify-Hmac-Sha256, cms.md §4.4).
 */
import type { SchemeResult, WebhookScheme } from './types.ts';
import { hmacSha256, safeEqual, signatureToCheck } from './util.ts';

/** 32 bytes in standard base64: 43 characters and one `=` pad. */
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;

/** Base64 HMAC-SHA256 of the raw body. */
export function signBase64(rawBody: Buffer, secret: string): string {
  return hmacSha256(secret, rawBody).toString('base64');
}

export const scheme: WebhookScheme = {
  id: 'hmac-sha256-base64',
  verify(input): SchemeResult {
    const got = signatureToCheck(input);
    if ('reason' in got) return got;
    if (!BASE64_DIGEST.test(got.signature)) return { ok: false, reason: 'malformed' };
    const ok = safeEqual(Buffer.from(got.signature, 'base64'), hmacSha256(got.secret, input.rawBody));
    return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
  },
  sign(input, names) {
    return {
      headers: { [names.signatureHeader.toLowerCase()]: signBase64(input.rawBody, input.secret) },
      body: input.rawBody,
    };
  },
};
