/**
 * Daily stats per ad, computed on demand from (seed, ad id, date, restatement generation): no row
 * is stored, any day can be produced in any order. Money is micro-currency (ads.md §6.3, §6.5).
 */
import { restateLatest, sumDays } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { addDays, daysBetween } from '../../kit/account-time.ts';
import type { Ad, SnapWorld } from './world.ts';

export interface SnapStats {
  impressions: number;
  swipes: number;
  spend: number;
  video_views: number;
  conversion_purchases: number;
  conversion_purchases_value: number;
}

export const STAT_FIELDS: readonly (keyof SnapStats)[] = [
  'impressions',
  'swipes',
  'spend',
  'video_views',
  'conversion_purchases',
  'conversion_purchases_value',
];

const WEEKDAY = [1.1, 0.9, 0.95, 1, 1, 1.05, 1.15];

export function zeroStats(): SnapStats {
  return {
    impressions: 0,
    swipes: 0,
    spend: 0,
    video_views: 0,
    conversion_purchases: 0,
    conversion_purchases_value: 0,
  };
}

/** One ad's numbers on one account-local date; zero outside the seeded window or without a profile. */
export function adDay(world: SnapWorld, ad: Ad, date: string): SnapStats {
  const p = world.profiles.get(ad.id);
  const i = daysBetween(world.firstDay, date);
  if (!p || i < 0 || i >= world.days) return zeroStats();
  const r = rngFor(world.seed, 'snapchat', 'metrics', ad.id, date, world.restated.get(date) ?? 0);
  const impressions = Math.round(
    p.impressions * (WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? 1) * r.float(0.7, 1.3),
  );
  const swipes = Math.round(impressions * p.swipeRate * r.float(0.8, 1.2));
  const purchases = Math.round(swipes * p.purchaseRate * r.float(0.5, 1.5));
  return {
    impressions,
    swipes,
    // Whole micros, not rounded to cents: spend is accrued per impression.
    spend: Math.round(((impressions * p.cpmMicro) / 1000) * r.float(0.9, 1.1)),
    video_views: Math.round(impressions * r.float(0.2, 0.5)),
    conversion_purchases: purchases,
    conversion_purchases_value: purchases * p.orderMicro,
  };
}

/** Totals over the given ads and days. */
export function sumStats(world: SnapWorld, ads: readonly Ad[], dates: readonly string[]): SnapStats {
  return sumDays(zeroStats(), ads, dates, (ad, date) => adDay(world, ad, date));
}

/** Bumps the generation of the latest `days` days so their numbers change, as recent days do. */
export function restate(world: SnapWorld, days: number): string[] {
  return restateLatest(world.restated, addDays(world.firstDay, world.days - 1), days, world.days);
}
