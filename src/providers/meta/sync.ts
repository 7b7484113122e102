import { currencyOffset, decimalToMicros, minorToMicros } from '../../core/money.ts';
import type { AdEntityRecord, AdLevel, AdStatus, AdsSyncAdapter } from '../contracts/ads.ts';
import { adAccount, adDay, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { EDGE, entityPage } from './entity-pages.ts';
import { graphPage } from './graph-read.ts';
import { insightsPage } from './insights-pull.ts';

// ads.md §1.3: effective_status values mapped to the one status enum.
const STATUS: StatusTable = {
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
const ACCOUNT_STATUS: Record<number, AdStatus> = {
  1: 'active',
  2: 'error',
  3: 'error',
  7: 'pending',
  8: 'pending',
  9: 'active',
  100: 'pending',
  101: 'archived',
};

// Purchases count as conversions (the standard pixel event); other actions stay in the raw row.
const CONVERSION_TYPES = new Set(['offsite_conversion.fb_pixel_purchase', 'purchase', 'omni_purchase']);

/** One Graph campaign, ad set or ad in the unified shape (also used after a write). */
export function toEntity(
  level: Exclude<AdLevel, 'account'>,
  account: AdEntityRecord,
  r: Readonly<Record<string, string | undefined>> & { id: string },
): AdEntityRecord {
  const e = EDGE[level];
  const offset = currencyOffset(account.currency);
  return adEntity(level, account, r, {
    platformId: r.id,
    parentPlatformId: e.parent ? (r[e.parent] ?? null) : account.platformId,
    name: r['name'] ?? null,
    ...mappedStatus(STATUS, r['effective_status'] ?? r['status'] ?? null),
    objective: r['objective'] ?? null,
    dailyBudgetMicros: minorToMicros(r['daily_budget'], offset),
    lifetimeBudgetMicros: minorToMicros(r['lifetime_budget'], offset),
    startAt: r['start_time'] ?? null,
    endAt: r['stop_time'] ?? r['end_time'] ?? null,
  });
}

export const EDGE_FIELDS = (level: Exclude<AdLevel, 'account'>) => EDGE[level].fields;

// ads.md §1.5: insights may change for 28 days.
const LOOKBACK_DAYS = 28;

/**
 * Meta Marketing API pages mapped to the unified ads model (money: budgets in minor units,
 * spend in major decimals). Entities can be listed by `updated_time` (entity-pages.ts);
 * metrics come from an async report job for a history backfill and from synchronous reads
 * for the look-back (insights-pull.ts).
 */
export const metaAdsSync: AdsSyncAdapter = {
  lookbackDays: LOOKBACK_DAYS,
  listsChangedSince: true,

  async accounts(s, cursor) {
    type A = {
      id: string;
      account_id?: string;
      name?: string;
      account_status?: number;
      currency?: string;
      timezone_name?: string;
    };
    const page = await graphPage<A>(
      s,
      '/me/adaccounts',
      { fields: 'id,account_id,name,account_status,currency,timezone_name', limit: '100' },
      cursor,
    );
    return {
      next: page.next,
      records: page.records.map((a) =>
        adAccount(a.id, a, {
          name: a.name ?? null,
          status: ACCOUNT_STATUS[a.account_status ?? 0] ?? 'unknown',
          platformStatus: a.account_status === undefined ? null : String(a.account_status),
          currency: a.currency ?? null,
          timeZone: a.timezone_name ?? null,
        }),
      ),
    };
  },

  async entities(s, level, account, cursor) {
    const page = await entityPage(s, level, account.platformId, cursor);
    return { next: page.next, records: page.records.map((r) => toEntity(level, account, r)) };
  },

  async metrics(s, account, cursor) {
    type Row = {
      ad_id: string;
      impressions?: string;
      clicks?: string;
      spend?: string;
      actions?: { action_type: string; value: string }[];
      date_start: string;
    };
    const page = await insightsPage<Row>(s, account.platformId, cursor, LOOKBACK_DAYS);
    return {
      next: page.next,
      ...(page.waitMs === undefined ? {} : { waitMs: page.waitMs }),
      records: page.records.map((r) =>
        adDay(account, r.ad_id, r.date_start, {
          impressions: Number(r.impressions ?? 0),
          clicks: Number(r.clicks ?? 0),
          spendMicros: decimalToMicros(r.spend ?? '0') ?? 0n,
          conversions: (r.actions ?? [])
            .filter((a) => CONVERSION_TYPES.has(a.action_type))
            .reduce((n, a) => n + Number(a.value), 0),
        }),
      ),
    };
  },
};
