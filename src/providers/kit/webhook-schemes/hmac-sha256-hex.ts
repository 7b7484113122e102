/**
 * Scheme `hmac-sha256-hex`: the signature header carries the lowercase hex HMAC-SHA256 of the
 * raw request body, optionally prefixed `sha256=` (Meta's X-Hub-Signature-256). LinkedIn's
 * X-LI-Signature is the same digest taken over `hmacsha256=` + body (`signedPayloadPrefix`) and
 * sent as bare hex; a value carrying that prefix is accepted too (ads.md §4.7 leaves it open).
 * Verification works on raw bytes, compares decoded digests of equal length in constant time,
 * and fails closed.
 */
import type { SchemeResult, VerifyFailure, WebhookScheme } from './types.ts';
import { HEX_DIGEST, hasSecret, header, hmacSha256, safeEqual } from './util.ts';

export type VerifyResult =
  { ok: true } | { ok: false; reason: 'missing_signature' | 'missing_secret' | 'bad_signature' };

const PREFIX = 'sha256=';

/** Lowercase hex HMAC-SHA256 of the raw body (no prefix). */
export function sign(rawBody: Buffer, secret: string): string {
  return hmacSha256(secret, rawBody).toString('hex');
}

/** Meta-style check of one header value: `sha256=<hex>` or bare hex. */
export function verify(rawBody: Buffer, headerValue: string | undefined, secret: string | undefined): VerifyResult {
  const r = check(rawBody, headerValue, secret, '');
  return r.ok
    ? r
    : {
        ok: false,
        reason: r.reason === 'missing_secret' || r.reason === 'missing_signature' ? r.reason : 'bad_signature',
      };
}

function check(
  rawBody: Buffer,
  headerValue: string | undefined,
  secret: string | undefined,
  signedPrefix: string,
): SchemeResult {
  if (!hasSecret(secret)) return { ok: false, reason: 'missing_secret' };
  const value = headerValue?.trim();
  if (!value) return { ok: false, reason: 'missing_signature' };
  const hex = stripPrefix(value, [PREFIX, signedPrefix]);
  // Malformed values never reach the digest compare.
  if (!HEX_DIGEST.test(hex)) return fail('malformed');
  const expected = hmacSha256(secret, signedPrefix, rawBody);
  return safeEqual(Buffer.from(hex, 'hex'), expected) ? { ok: true } : fail('bad_signature');
}

function stripPrefix(value: string, prefixes: string[]): string {
  const lower = value.toLowerCase();
  for (const p of prefixes) if (p && lower.startsWith(p.toLowerCase())) return value.slice(p.length);
  return value;
}

function fail(reason: VerifyFailure): SchemeResult {
  return { ok: false, reason };
}

export const scheme: WebhookScheme = {
  id: 'hmac-sha256-hex',
  verify: (input) =>
    check(input.rawBody, header(input, input.signatureHeader), input.secret, input.signedPayloadPrefix ?? ''),
  sign(input, names) {
    const prefix = input.signedPayloadPrefix ?? '';
    const hex = hmacSha256(input.secret, prefix, input.rawBody).toString('hex');
    // With a signed-payload prefix (LinkedIn) the platform sends bare hex; otherwise Meta's `sha256=` form.
    return {
      headers: { [names.signatureHeader.toLowerCase()]: prefix ? hex : `${PREFIX}${hex}` },
      body: input.rawBody,
    };
  },
};
