/**
 * Daily delivery per ad, computed on demand from (seed, ad id, date, restatement generation):
 * nothing is stored per row, any row can be produced in any order, and restating a day just
 * bumps its generation so its numbers change the way Meta's recent days do.
 */
import { restateLatest, sumDays } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { addDays, daysBetween } from './time.ts';
import type { Entity, MetaWorld } from './world.ts';

export interface DayMetrics {
  impressions: number;
  clicks: number;
  linkClicks: number;
  /** Minor units of the account currency. */
  spendMinor: number;
  reach: number;
  conversions: number;
  valueMinor: number;
}

const WEEKDAY = [0.85, 1, 1.05, 1.05, 1, 0.95, 0.9];

export function zero(): DayMetrics {
  return { impressions: 0, clicks: 0, linkClicks: 0, spendMinor: 0, reach: 0, conversions: 0, valueMinor: 0 };
}

export function lastDay(world: MetaWorld): string {
  return addDays(world.firstDay, world.days - 1);
}

export function inWindow(world: MetaWorld, date: string): boolean {
  const i = daysBetween(world.firstDay, date);
  return i >= 0 && i < world.days;
}

export function adDay(world: MetaWorld, ad: Entity, date: string): DayMetrics | undefined {
  const p = ad.profile;
  if (!p || !inWindow(world, date)) return undefined;
  const r = rngFor(world.seed, 'metrics', ad.id, date, world.restated.get(date) ?? 0);
  const weekday = WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? 1;
  const impressions = Math.round(p.impressions * weekday * r.float(0.75, 1.25));
  const clicks = Math.round(impressions * p.ctr * r.float(0.8, 1.2));
  const conversions = Math.round(clicks * p.cvr * r.float(0.5, 1.5));
  return {
    impressions,
    clicks,
    linkClicks: Math.round(clicks * r.float(0.6, 0.9)),
    spendMinor: Math.round(((impressions * p.cpmMinor) / 1000) * r.float(0.9, 1.1)),
    reach: Math.round(impressions / r.float(1.05, 1.6)),
    conversions,
    valueMinor: Math.round(conversions * p.aovMinor * r.float(0.8, 1.2)),
  };
}

/** Sums delivery of the given ads over the given dates (reach is summed, a known simplification). */
export function total(world: MetaWorld, ads: readonly Entity[], dates: readonly string[]): DayMetrics {
  return sumDays(zero(), ads, dates, (ad, date) => adDay(world, ad, date));
}

/** Meta's currency offset: 1 for zero-decimal currencies, 100 for the rest. */
const OFFSET_ONE = new Set(['CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND']);

export function currencyOffset(currency: string): number {
  return OFFSET_ONE.has(currency) ? 1 : 100;
}

/** Minor units → Graph's decimal string in major units (`1234` → `"12.34"`). */
export function toMajor(minor: number, currency: string): string {
  const offset = currencyOffset(currency);
  return offset === 1 ? String(minor) : (minor / offset).toFixed(2);
}

/** Days with metrics for seeded objects, restated from the most recent backwards. */
export function restate(world: MetaWorld, days: number): string[] {
  return restateLatest(world.restated, lastDay(world), days, world.days);
}
