import { currencyOffset, decimalToMicros, minorToMicros } from '../../core/money.ts';
import type { AdEntityRecord, AdLevel, AdMetricRecord, AdStatus, AdsSyncAdapter, AdsSyncContext, Page } from '../../sync/ads/types.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { metaPauseMs, metaUsagePercent } from './usage.ts';

// ads.md §1.3: effective_status values mapped to the one status enum.
const STATUS: Record<string, AdStatus> = {
  ACTIVE: 'active',
  PAUSED: 'paused',
  CAMPAIGN_PAUSED: 'paused',
  ADSET_PAUSED: 'paused',
  DELETED: 'deleted',
  ARCHIVED: 'archived',
  IN_PROCESS: 'pending',
  PENDING_REVIEW: 'pending',
  PREAPPROVED: 'pending',
  PENDING_BILLING_INFO: 'pending',
  WITH_ISSUES: 'error',
  DISAPPROVED: 'error',
};
// ads.md §1.3: account_status integers.
const ACCOUNT_STATUS: Record<number, AdStatus> = { 1: 'active', 2: 'error', 3: 'error', 7: 'pending', 8: 'pending', 9: 'active', 100: 'pending', 101: 'archived' };

const EDGE: Record<Exclude<AdLevel, 'account'>, { edge: string; fields: string; parent: string | null }> = {
  campaign: { edge: 'campaigns', fields: 'id,name,status,effective_status,objective,daily_budget,lifetime_budget,start_time,stop_time', parent: null },
  ad_group: { edge: 'adsets', fields: 'id,name,status,effective_status,campaign_id,daily_budget,lifetime_budget,start_time,end_time', parent: 'campaign_id' },
  ad: { edge: 'ads', fields: 'id,name,status,effective_status,adset_id,campaign_id', parent: 'adset_id' },
};

// Purchases count as conversions (the standard pixel event); other actions stay in the raw row.
const CONVERSION_TYPES = new Set(['offsite_conversion.fb_pixel_purchase', 'purchase', 'omni_purchase']);

interface Graph<T> {
  data?: T[];
  paging?: { cursors?: { after?: string }; next?: string };
}

async function get<T>(s: AdsSyncContext, path: string, params: Record<string, string>, cursor: string | null): Promise<Page<T>> {
  const url = new URL(apiUrl(s.ctx, path));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (cursor) url.searchParams.set('after', cursor);
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
  const body = res.body as Graph<T>;
  // Slow down on Meta's own signal before it throttles (ads.md §1.6). The page is kept: the
  // pause comes before the next call, as a rate-limit wait the sync engine counts and honours.
  const pause = metaPauseMs(metaUsagePercent(res.headers));
  if (pause > 0) s.pendingPauseMs = Math.max(s.pendingPauseMs ?? 0, pause);
  // ads.md §1.4: the last page has no `paging.next` (its `after` cursor may still be present).
  return { records: body.data ?? [], next: body.paging?.next ? (body.paging.cursors?.after ?? null) : null };
}

/** One Graph campaign, ad set or ad in the unified shape (also used after a write). */
export function toEntity(level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, r: Readonly<Record<string, string | undefined>> & { id: string }): AdEntityRecord {
  const e = EDGE[level];
  const offset = currencyOffset(account.currency);
  return {
    level,
    platformId: r.id,
    accountPlatformId: account.platformId,
    parentPlatformId: e.parent ? (r[e.parent] ?? null) : account.platformId,
    name: r['name'] ?? null,
    status: statusOf(r),
    platformStatus: r['effective_status'] ?? r['status'] ?? null,
    objective: r['objective'] ?? null,
    currency: account.currency ?? null,
    dailyBudgetMicros: minorToMicros(r['daily_budget'], offset),
    lifetimeBudgetMicros: minorToMicros(r['lifetime_budget'], offset),
    startAt: r['start_time'] ?? null,
    endAt: r['stop_time'] ?? r['end_time'] ?? null,
    raw: r,
  };
}

export const EDGE_FIELDS = (level: Exclude<AdLevel, 'account'>) => EDGE[level].fields;

const statusOf = (row: Readonly<Record<string, string | undefined>>): AdStatus => STATUS[row['effective_status'] ?? row['status'] ?? ''] ?? 'unknown';

/** Meta Marketing API pages mapped to the unified ads model (money: budgets in minor units, spend in major decimals). */
export const metaAdsSync: AdsSyncAdapter = {
  // ads.md §1.5: insights may change for 28 days.
  lookbackDays: 28,

  async accounts(s, cursor) {
    type A = { id: string; account_id?: string; name?: string; account_status?: number; currency?: string; timezone_name?: string };
    const page = await get<A>(s, '/me/adaccounts', { fields: 'id,account_id,name,account_status,currency,timezone_name', limit: '100' }, cursor);
    return {
      next: page.next,
      records: page.records.map((a) => ({
        level: 'account',
        platformId: a.id,
        accountPlatformId: a.id,
        parentPlatformId: null,
        name: a.name ?? null,
        status: ACCOUNT_STATUS[a.account_status ?? 0] ?? 'unknown',
        platformStatus: a.account_status === undefined ? null : String(a.account_status),
        currency: a.currency ?? null,
        timeZone: a.timezone_name ?? null,
        raw: a,
      })),
    };
  },

  async entities(s, level, account, cursor) {
    const e = EDGE[level];
    const page = await get<Record<string, string | undefined> & { id: string }>(s, `/${account.platformId}/${e.edge}`, { fields: e.fields, limit: '100' }, cursor);
    return { next: page.next, records: page.records.map((r) => toEntity(level, account, r)) };
  },

  async metrics(s, account, cursor) {
    type Row = { ad_id: string; impressions?: string; clicks?: string; spend?: string; actions?: { action_type: string; value: string }[]; date_start: string };
    const page = await get<Row>(
      s,
      `/${account.platformId}/insights`,
      { level: 'ad', time_increment: '1', time_range: JSON.stringify({ since: s.since, until: s.until }), fields: 'ad_id,impressions,clicks,spend,actions,date_start', limit: '1000' },
      cursor,
    );
    return {
      next: page.next,
      records: page.records.map(
        (r): AdMetricRecord => ({
          level: 'ad',
          platformId: r.ad_id,
          date: r.date_start,
          impressions: Number(r.impressions ?? 0),
          clicks: Number(r.clicks ?? 0),
          spendMicros: decimalToMicros(r.spend ?? '0') ?? 0n,
          conversions: (r.actions ?? []).filter((a) => CONVERSION_TYPES.has(a.action_type)).reduce((n, a) => n + Number(a.value), 0),
          currency: account.currency ?? null,
        }),
      ),
    };
  },
};
