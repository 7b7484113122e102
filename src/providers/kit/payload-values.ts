/** Field readers for platform JSON, where a missing or mistyped value reads as null. */

export const optionalString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A string, number or boolean as text; an empty string, an object or an array reads as null. */
export const scalarText = (v: unknown): string | null =>
  typeof v === 'string'
    ? v === ''
      ? null
      : v
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? String(v)
      : null;

/** Money a platform already sends in micros (an integer, or a string of digits), taken as it is. */
export const integerMicros = (v: unknown): bigint | null =>
  typeof v === 'number' && Number.isInteger(v)
    ? BigInt(v)
    : typeof v === 'string' && /^-?\d+$/.test(v)
      ? BigInt(v)
      : null;
