/**
 * Insights query parsing and row building: `level`, `fields`, `time_range` / `date_preset`,
 * `time_increment`. Rows are strings throughout (spend in major units), leave out slots with
 * no delivery, and are produced one slot at a time so large reports page lazily.
 */
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';
import { jsonParam, str, type Params } from './context.ts';
import { invalidParam } from './errors.ts';
import { currencyOffset, lastDay, toMajor, total } from './metrics.ts';
import { addDays, isIsoDate, isoDate } from './time.ts';
import type { Entity, Kind, MetaWorld } from './world.ts';
import { text } from '../../../sandbox/kit/text.ts';

const LEVELS: readonly Kind[] = ['account', 'campaign', 'adset', 'ad'];

export const INSIGHT_FIELDS = [
  'account_id',
  'account_name',
  'account_currency',
  'campaign_id',
  'campaign_name',
  'adset_id',
  'adset_name',
  'ad_id',
  'ad_name',
  'objective',
  'impressions',
  'clicks',
  'inline_link_clicks',
  'spend',
  'reach',
  'frequency',
  'ctr',
  'cpc',
  'cpm',
  'actions',
  'action_values',
  'conversions',
  'date_start',
  'date_stop',
];

const DEFAULT_FIELDS = ['impressions', 'spend'];

const PURCHASE = 'offsite_conversion.fb_pixel_purchase';

export interface InsightsQuery {
  scopeId: string;
  level: Kind;
  fields: string[];
  since: string;
  until: string;
  /** Days per row, or calendar months, or the whole range. */
  increment: number | 'monthly' | 'all_days';
}

export interface Bucket {
  start: string;
  stop: string;
  dates: string[];
}

export function parseInsightsQuery(
  world: MetaWorld,
  scope: Entity,
  p: Params,
  today: string,
): InsightsQuery | SandboxResponse {
  const level = (str(p, 'level') ?? scope.kind) as Kind;
  if (!LEVELS.includes(level)) return invalidParam(`Param level must be one of {${LEVELS.join(', ')}}`);
  const effective = LEVELS.indexOf(level) < LEVELS.indexOf(scope.kind) ? scope.kind : level;

  const raw = str(p, 'fields');
  const fields = raw
    ? raw
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : [...DEFAULT_FIELDS];
  const bad = fields.find((f) => !INSIGHT_FIELDS.includes(f));
  if (bad)
    return invalidParam(
      `${bad} is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values`,
    );
  if (p['breakdowns'] !== undefined && str(p, 'breakdowns') !== '' && str(p, 'breakdowns') !== '[]') {
    return invalidParam('breakdowns are not available in this sandbox');
  }

  let since: string;
  let until: string;
  if (p['time_range'] !== undefined) {
    const tr = jsonParam(p, 'time_range');
    const v = tr.ok ? (tr.value as Record<string, unknown> | null) : null;
    if (!v || !isIsoDate(v['since']) || !isIsoDate(v['until']) || v['since'] > v['until']) {
      return invalidParam('Param time_range must be an object with since and until dates (YYYY-MM-DD), since <= until');
    }
    since = v['since'];
    until = v['until'];
  } else {
    const range = presetRange(str(p, 'date_preset') ?? 'last_30d', today, world);
    if (!range) return invalidParam('Param date_preset is not a valid preset');
    [since, until] = range;
  }

  const inc = str(p, 'time_increment') ?? 'all_days';
  let increment: InsightsQuery['increment'];
  if (inc === 'all_days' || inc === 'monthly') increment = inc;
  else if (/^\d+$/.test(inc) && Number(inc) >= 1 && Number(inc) <= 90) increment = Number(inc);
  else return invalidParam('Param time_increment must be an integer between 1 and 90, monthly or all_days');

  return { scopeId: scope.id, level: effective, fields, since, until, increment };
}

function presetRange(preset: string, today: string, world: MetaWorld): [string, string] | undefined {
  const yesterday = addDays(today, -1);
  const lastN = /^last_(\d+)d$/.exec(preset);
  if (lastN) return [addDays(today, -Number(lastN[1])), yesterday];
  switch (preset) {
    case 'today':
      return [today, today];
    case 'yesterday':
      return [yesterday, yesterday];
    case 'this_month':
      return [`${today.slice(0, 8)}01`, today];
    case 'last_month': {
      const firstThis = `${today.slice(0, 8)}01`;
      const lastPrev = addDays(firstThis, -1);
      return [`${lastPrev.slice(0, 8)}01`, lastPrev];
    }
    case 'maximum':
      return [world.firstDay, lastDay(world) > today ? today : lastDay(world)];
    default:
      return undefined;
  }
}

export function buckets(q: InsightsQuery): Bucket[] {
  const all: string[] = [];
  for (let d = q.since; d <= q.until; d = addDays(d, 1)) all.push(d);
  const out: Bucket[] = [];
  if (q.increment === 'all_days') return [{ start: q.since, stop: q.until, dates: all }];
  for (let i = 0; i < all.length;) {
    const start = all[i] ?? q.since;
    let n: number;
    if (q.increment === 'monthly') {
      n = 0;
      while (i + n < all.length && (all[i + n] ?? '').slice(0, 7) === start.slice(0, 7)) n++;
    } else n = q.increment;
    const dates = all.slice(i, i + n);
    out.push({ start, stop: dates.at(-1) ?? start, dates });
    i += n;
  }
  return out;
}

/** Objects that get a row, ordered by id. */
export function rowEntities(world: MetaWorld, q: InsightsQuery): Entity[] {
  const scope = world.get(q.scopeId);
  if (!scope) return [];
  const list =
    q.level === 'account'
      ? [scope.kind === 'account' ? scope : (world.account(scope.accountId) ?? scope)]
      : world.under(scope, q.level);
  return [...list].sort((a, b) => (BigInt(a.id.replace('act_', '')) < BigInt(b.id.replace('act_', '')) ? -1 : 1));
}

export function buildRow(
  world: MetaWorld,
  q: InsightsQuery,
  e: Entity,
  b: Bucket,
): Record<string, unknown> | undefined {
  const scope = world.get(q.scopeId);
  // An account-level row over a narrower scope only counts that scope's ads.
  const source = e.kind === 'account' && scope && scope.kind !== 'account' ? scope : e;
  const ads = world.under(source, 'ad');
  const m = total(world, ads, b.dates);
  if (m.impressions === 0) return undefined;
  const account = world.account(e.accountId);
  const currency = text(account?.fields['currency'], 'USD');
  const campaign =
    e.kind === 'campaign' ? e : e.kind === 'account' ? undefined : world.get(String(e.fields['campaign_id']));
  const adset = e.kind === 'adset' ? e : e.kind === 'ad' ? world.get(String(e.fields['adset_id'])) : undefined;
  const spend = m.spendMinor / currencyOffset(currency);
  const ratio = (a: number, c: number): string => (c === 0 ? '0' : (a / c).toFixed(6));
  const actions = [
    ...(m.linkClicks ? [{ action_type: 'link_click', value: String(m.linkClicks) }] : []),
    ...(m.conversions ? [{ action_type: PURCHASE, value: String(m.conversions) }] : []),
  ];
  const values: Record<string, unknown> = {
    account_id: e.accountId,
    account_name: account?.fields['name'],
    account_currency: currency,
    campaign_id: campaign?.id,
    campaign_name: campaign?.fields['name'],
    adset_id: adset?.id,
    adset_name: adset?.fields['name'],
    ad_id: e.kind === 'ad' ? e.id : undefined,
    ad_name: e.kind === 'ad' ? e.fields['name'] : undefined,
    objective: campaign?.fields['objective'],
    impressions: String(m.impressions),
    clicks: String(m.clicks),
    inline_link_clicks: String(m.linkClicks),
    spend: toMajor(m.spendMinor, currency),
    reach: String(m.reach),
    frequency: ratio(m.impressions, m.reach),
    ctr: ratio(m.clicks * 100, m.impressions),
    cpc: ratio(spend, m.clicks),
    cpm: ratio(spend * 1000, m.impressions),
    actions: actions.length ? actions : undefined,
    action_values: m.conversions ? [{ action_type: PURCHASE, value: toMajor(m.valueMinor, currency) }] : undefined,
    conversions: m.conversions ? [{ action_type: PURCHASE, value: String(m.conversions) }] : undefined,
  };
  const row: Record<string, unknown> = {};
  for (const f of q.fields) if (values[f] !== undefined) row[f] = values[f];
  row['date_start'] = b.start;
  row['date_stop'] = b.stop;
  return row;
}

export function today(now: number): string {
  return isoDate(now);
}
