/** Small helpers shared by the scheme verifiers; none of them decides what a scheme signs. */
import { createHmac } from 'node:crypto';
import type { VerifyInput } from './types.ts';

export { safeEqual } from '../../../core/safe-equal.ts';

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
