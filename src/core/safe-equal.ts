import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two secrets or digests (strings compare as UTF-8 bytes). Unequal
 * lengths are simply unequal: handed to timingSafeEqual they would throw, and a throw in a
 * check becomes a 500 where a 401 belongs. Only the length can leak, so compare digests of a
 * fixed size where the length of the secret itself matters.
 */
export function safeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
