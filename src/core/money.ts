/**
 * Money as integer micros (1/1,000,000 of the currency unit), converted from each platform's
 * representation with exact decimal arithmetic on strings: floats would turn 0.1 + 0.2 into
 * 300000.00000000006 micros.
 */
export function decimalToMicros(value: string | number | null | undefined): bigint | null {
  if (value === null || value === undefined || value === '') return null;
  const s = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) throw new Error(`not a decimal amount: ${s}`);
  const [, sign, whole = '', frac = ''] = m;
  const six = (frac + '000000').slice(0, 6);
  // Digits past the sixth are rounded half up: platforms never send them for money.
  const roundUp = frac.length > 6 && Number(frac[6]) >= 5 ? 1n : 0n;
  const micros = BigInt(whole || '0') * 1_000_000n + BigInt(six) + roundUp;
  return sign === '-' ? -micros : micros;
}

/** Micros as a plain decimal string in major units, exact, without trailing zeros ("12.5", "40"). */
export function microsToDecimal(micros: bigint): string {
  const abs = micros < 0n ? -micros : micros;
  const frac = String(abs % 1_000_000n)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${micros < 0n ? '-' : ''}${abs / 1_000_000n}${frac ? `.${frac}` : ''}`;
}

/** Minor units (cents) with the currency's offset (100 for USD, 1 for JPY) to micros. */
export function minorToMicros(value: string | number | null | undefined, offset: number): bigint | null {
  if (value === null || value === undefined || value === '') return null;
  const minor = BigInt(typeof value === 'number' ? Math.round(value) : value.trim());
  return (minor * 1_000_000n) / BigInt(offset);
}

function numberToPlain(n: number): string {
  // Platforms that send floats (TikTok) send at most a few decimals; toFixed keeps them exact.
  return Number.isInteger(n) ? String(n) : n.toFixed(6);
}

/** Currencies whose minimum unit is the unit itself (Meta's "offset 1", ads.md §1.3). */
const OFFSET_ONE = new Set(['CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND']);

export function currencyOffset(currency: string | null | undefined): number {
  return currency && OFFSET_ONE.has(currency.toUpperCase()) ? 1 : 100;
}
