/**
 * The highest usage percentage Meta reports in its usage headers (ads.md §1.6): the app's
 * call/time counters, the ad account's utilisation, and each business-use-case bucket.
 * Meta throttles at 100; staying below it keeps a sync from being cut off.
 */
export function metaUsagePercent(headers: Readonly<Record<string, string | undefined>>): number {
  let max = 0;
  const read = (v: string | undefined) => {
    if (!v) return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  };
  const nums = (o: unknown, keys: readonly string[]) => {
    if (!o || typeof o !== 'object') return;
    for (const k of keys) {
      const n = Number((o as Record<string, unknown>)[k]);
      if (Number.isFinite(n)) max = Math.max(max, n);
    }
  };
  nums(read(headers['x-app-usage']), ['call_count', 'total_time', 'total_cputime']);
  nums(read(headers['x-ad-account-usage']), ['acc_id_util_pct']);
  const buc = read(headers['x-business-use-case-usage']);
  if (buc && typeof buc === 'object') {
    for (const list of Object.values(buc as Record<string, unknown>)) {
      if (Array.isArray(list)) for (const entry of list) nums(entry, ['call_count', 'total_time', 'total_cputime']);
    }
  }
  return max;
}

/** How long to pause before the next call: nothing below 75%, then growing to 20 s at 100%. */
export function metaPauseMs(pct: number): number {
  if (pct < 75) return 0;
  return Math.round(Math.min(1, (pct - 75) / 25) * 20_000);
}
