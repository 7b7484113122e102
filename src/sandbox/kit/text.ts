/**
 * A request field as text: a string as it is, a number or boolean as `String` writes it, and
 * anything else (absent, null, an object or array) as `fallback`, so a JSON body that sends an
 * object where text belongs never turns into "[object Object]".
 */
export function text(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return fallback;
}

/** Lower-case ASCII words joined by hyphens, as CMS slugs and handles are; empty when nothing is left. */
export function hyphenate(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
