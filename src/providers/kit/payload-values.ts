/** Field readers for platform JSON, where a missing or mistyped value reads as null. */

export const optionalString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Money a platform already sends in micros (an integer, or a string of digits), taken as it is. */
export const integerMicros = (v: unknown): bigint | null =>
  typeof v === 'number' && Number.isInteger(v)
    ? BigInt(v)
    : typeof v === 'string' && /^-?\d+$/.test(v)
      ? BigInt(v)
      : null;
