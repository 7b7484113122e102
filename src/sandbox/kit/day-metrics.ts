/**
 * Daily delivery numbers that ads sandboxes compute on demand per (ad, day): totals over ads and
 * days, and restatement, which moves recent days to a new generation so their numbers change.
 * Days are UTC calendar days (`YYYY-MM-DD`).
 */

const DAY_MS = 86_400_000;

/** What every seeded ads world carries: the seed its numbers come from and the days with delivery. */
export interface DeliveryWindow {
  seed: number | string;
  /** First day with delivery (UTC or the account's zone, as the platform reports) and how many follow. */
  firstDay: string;
  days: number;
}

/**
 * Lays out a seeded tree of about `size` daily report rows (ads × days): ten rows a day up to 90
 * days, and at least one ad per campaign.
 */
export function seedLayout(size: number, campaigns: number): { days: number; adCount: number } {
  const rows = Math.max(1, Math.floor(size));
  const days = Math.min(90, Math.max(1, Math.ceil(rows / 10)));
  return { days, adCount: Math.max(campaigns, Math.ceil(rows / days)) };
}

/** Adds every field of `total` over each ad's numbers on each day (a day without numbers adds nothing). */
export function sumDays<A, M extends { [K in keyof M]: number }>(
  total: M,
  ads: readonly A[],
  dates: readonly string[],
  dayOf: (ad: A, date: string) => M | undefined,
): M {
  const keys = Object.keys(total) as (keyof M)[];
  for (const ad of ads) {
    for (const date of dates) {
      const m = dayOf(ad, date);
      if (!m) continue;
      for (const k of keys) total[k] = (total[k] + m[k]) as M[keyof M];
    }
  }
  return total;
}

/**
 * Bumps the generation of the latest `days` days of a `window`-day range ending on `lastDay`,
 * newest first, and returns those days.
 */
export function restateLatest(restated: Map<string, number>, lastDay: string, days: number, window: number): string[] {
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  const dates: string[] = [];
  for (let i = 0; i < Math.min(days, window); i++) {
    const d = new Date(last - i * DAY_MS).toISOString().slice(0, 10);
    restated.set(d, (restated.get(d) ?? 0) + 1);
    dates.push(d);
  }
  return dates;
}
