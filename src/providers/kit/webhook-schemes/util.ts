/** Small helpers shared by the scheme verifiers; none of them decides what a scheme signs. */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../core/safe-equal.ts';
import type { SchemeResult, VerifyInput } from './types.ts';

export { safeEqual };

export const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/** HMAC-SHA256 over the parts concatenated as bytes, so the raw body is never re-decoded. */
export function hmacSha256(secret: string, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', secret);
  for (const p of parts) mac.update(p);
  return mac.digest();
}

/** A trimmed header value, or undefined when absent or blank. Names are looked up in lower case. */
export function header(input: VerifyInput, name: string): string | undefined {
  if (name.length === 0) return undefined;
  const value = input.headers[name.toLowerCase()]?.trim();
  return value ? value : undefined;
}

/** A secret that is absent or empty is a configuration error; treating it as "no check" would fail open. */
export function hasSecret(secret: string | undefined): secret is string {
  return secret !== undefined && secret.length > 0;
}

/** True when `tsMs` is within ± the window of `nowMs`; a far-future stamp is as suspect as an old one. */
export function isFresh(tsMs: number, nowMs: number, toleranceSeconds: number): boolean {
  return Math.abs(nowMs - tsMs) <= toleranceSeconds * 1000;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The secret and the signature header's value, or why the delivery cannot be checked at all.
 * The secret is judged first, so a connection without one reads as misconfigured (fail closed).
 */
export function signatureToCheck(
  input: VerifyInput,
): { secret: string; signature: string } | { ok: false; reason: 'missing_secret' | 'missing_signature' } {
  if (!hasSecret(input.secret)) return { ok: false, reason: 'missing_secret' };
  const signature = header(input, input.signatureHeader);
  return signature === undefined ? { ok: false, reason: 'missing_signature' } : { secret: input.secret, signature };
}

/** As `signatureToCheck`, with the timestamp header a timestamped scheme signs beside the body. */
export function stampedSignatureToCheck(
  input: VerifyInput,
  timestampHeader: string,
):
  | { secret: string; signature: string; timestamp: string }
  | { ok: false; reason: 'missing_secret' | 'missing_signature' } {
  const got = signatureToCheck(input);
  if ('reason' in got) return got;
  const timestamp = header(input, timestampHeader);
  return timestamp === undefined ? { ok: false, reason: 'missing_signature' } : { ...got, timestamp };
}

/** True when one of the hex digests is `expected`; all are compared, so the time taken does not reveal which. */
export function anyDigestMatches(hexDigests: readonly string[], expected: Buffer): boolean {
  let match = false;
  for (const d of hexDigests) match = safeEqual(Buffer.from(d, 'hex'), expected) || match;
  return match;
}

/** The verdict on a genuine delivery stamped at `tsMs`: stale outside the input's window (default 5 minutes). */
export function freshness(input: VerifyInput, tsMs: number): SchemeResult {
  return isFresh(tsMs, input.nowMs, input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
    ? { ok: true }
    : { ok: false, reason: 'stale_timestamp' };
}
