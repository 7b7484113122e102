/** Micros (a decimal string, exact) as the currency's major units, for charts and tables. */
export const microsToUnits = (micros: string | number | null | undefined): number | null =>
  micros === null || micros === undefined ? null : Number(micros) / 1_000_000;

export function formatMoney(micros: string | number | null | undefined, currency: string | null | undefined): string {
  const v = microsToUnits(micros);
  if (v === null) return '—';
  return currency
    ? v.toLocaleString(undefined, { style: 'currency', currency })
    : v.toLocaleString(undefined, { maximumFractionDigits: 2 });
}
