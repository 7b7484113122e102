import type {
  AdEntityRecord,
  AdLevel,
  AdMetricRecord,
  AdStatus,
  AdsSyncAdapter,
  AdsSyncContext,
  Page,
} from '../contracts/ads.ts';
import { adAccount, adDay, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { addDays, daysBetween, localMidnightIso } from '../kit/account-time.ts';
import { integerMicros, optionalString } from '../kit/payload-values.ts';

// ads.md §6.3: entities are ACTIVE or PAUSED; deleted ones carry `deleted: true`.
const STATUS: StatusTable = { ACTIVE: 'active', PAUSED: 'paused' };
// Ad account states seen on the API (the sheet lists none): anything else is kept raw as unknown.
const ACCOUNT_STATUS: StatusTable = {
  ACTIVE: 'active',
  PAUSED: 'paused',
  PENDING: 'pending',
  DISABLED: 'error',
  DELETED: 'deleted',
};
// An ACTIVE ad that review holds back does not deliver.
const REVIEW: StatusTable = { PENDING_REVIEW: 'pending', REJECTED: 'error' };

export const LIST: Record<
  Exclude<AdLevel, 'account'>,
  { path: string; key: string; one: string; parent: string | null }
> = {
  campaign: { path: 'campaigns', key: 'campaigns', one: 'campaign', parent: null },
  ad_group: { path: 'adsquads', key: 'adsquads', one: 'adsquad', parent: 'campaign_id' },
  ad: { path: 'ads', key: 'ads', one: 'ad', parent: 'ad_squad_id' },
};

// ads.md §6.4: `limit` 50–1000; the largest page means the fewest calls.
const LIMIT = '1000';
// ads.md §6.5: DAY requests span about 31 days at most.
const DAY_CHUNK = 31;

export type Row = Record<string, unknown> & { id: string };

/** One page of a Snapchat list; the cursor is the `cursor` parameter of `paging.next_link`. */
async function list(
  s: AdsSyncContext,
  path: string,
  key: string,
  one: string,
  cursor: string | null,
): Promise<Page<Row>> {
  const url = new URL(apiUrl(s.ctx, path));
  url.searchParams.set('limit', LIMIT);
  if (cursor) url.searchParams.set('cursor', cursor);
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
  const body = res.body as { paging?: { next_link?: string } } & Record<string, unknown>;
  const wrapped = (body[key] as Array<Record<string, unknown>> | undefined) ?? [];
  // The link is rebuilt from its cursor so calls always go through the configured base URL.
  const next = body.paging?.next_link ? new URL(body.paging.next_link).searchParams.get('cursor') : null;
  return {
    records: wrapped.flatMap((w) => (w['sub_request_status'] === 'SUCCESS' && w[one] ? [w[one] as Row] : [])),
    next,
  };
}

const str = optionalString;
/** Snapchat money is already micros (ads.md §6.3): integers, taken as they are. */
const micros = integerMicros;

function statusOf(r: Row): AdStatus {
  if (r['deleted'] === true) return 'deleted';
  const own = STATUS[str(r['status']) ?? ''] ?? 'unknown';
  return own === 'active' ? (REVIEW[str(r['review_status']) ?? ''] ?? own) : own;
}

/** A campaign, ad squad or ad as the unified model holds it. */
export function toEntity(level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, r: Row): AdEntityRecord {
  const parent = LIST[level].parent;
  return adEntity(level, account, r, {
    platformId: r.id,
    parentPlatformId: parent ? str(r[parent]) : account.platformId,
    name: str(r['name']),
    status: statusOf(r),
    platformStatus: str(r['status']),
    objective:
      str(r['objective']) ??
      str((r['objective_v2_properties'] as Record<string, unknown> | undefined)?.['objective_v2_type']) ??
      str(r['optimization_goal']),
    dailyBudgetMicros: micros(r['daily_budget_micro']),
    // A campaign's lifetime spend cap is its lifetime budget in the unified model.
    lifetimeBudgetMicros: micros(r['lifetime_budget_micro'] ?? r['lifetime_spend_cap_micro']),
    startAt: str(r['start_time']),
    endAt: str(r['end_time']),
  });
}

/** Snapchat Marketing API pages mapped to the unified ads model (all money in micros already). */
export const snapchatAdsSync: AdsSyncAdapter = {
  // ads.md §6.5: the default swipe-up attribution window is 28 days, the longest a day's
  // conversions can keep moving; data past finalized_data_end_time is re-pulled within it.
  lookbackDays: 28,

  async accounts(s, cursor) {
    // Cursor: `<organization index>:<adaccounts cursor>`; organizations are few and unpaged.
    const res = await apiGet(s.connector, s.ctx, s.creds, '/me/organizations');
    const orgs = (
      (res.body as { organizations?: Array<{ organization?: { id: string } }> }).organizations ?? []
    ).flatMap((w) => (w.organization ? [w.organization.id] : []));
    const sep = cursor ? cursor.indexOf(':') : -1;
    const index = cursor ? Number(cursor.slice(0, sep)) : 0;
    const org = orgs[index];
    if (!org) return { records: [], next: null };
    const page = await list(
      s,
      `/organizations/${org}/adaccounts`,
      'adaccounts',
      'adaccount',
      cursor ? cursor.slice(sep + 1) || null : null,
    );
    const next = page.next ? `${index}:${page.next}` : index + 1 < orgs.length ? `${index + 1}:` : null;
    return {
      next,
      records: page.records.map((a) =>
        adAccount(a.id, a, {
          name: str(a['name']),
          ...mappedStatus(ACCOUNT_STATUS, str(a['status'])),
          currency: str(a['currency']),
          timeZone: str(a['timezone']),
        }),
      ),
    };
  },

  async entities(s, level, account, cursor) {
    const e = LIST[level];
    const page = await list(s, `/adaccounts/${account.platformId}/${e.path}`, e.key, e.one, cursor);
    return { next: page.next, records: page.records.map((r) => toEntity(level, account, r)) };
  },

  async metrics(s, account, cursor) {
    // One account-level DAY request per chunk of at most 31 days, broken down by ad; the cursor
    // is the chunk's first date. Days are the account's own (midnights in its time zone).
    const tz = account.timeZone ?? 'UTC';
    const from = cursor ?? s.since;
    const end = addDays(s.until, 1);
    const to = daysBetween(from, end) > DAY_CHUNK ? addDays(from, DAY_CHUNK) : end;
    const url = new URL(apiUrl(s.ctx, `/adaccounts/${account.platformId}/stats`));
    url.searchParams.set('granularity', 'DAY');
    url.searchParams.set('breakdown', 'ad');
    url.searchParams.set('fields', 'impressions,swipes,spend,conversion_purchases');
    url.searchParams.set('start_time', localMidnightIso(from, tz));
    url.searchParams.set('end_time', localMidnightIso(to, tz));
    url.searchParams.set('omit_empty', 'true');
    const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
    type Series = {
      id: string;
      timeseries?: Array<{ start_time: string; stats?: Record<string, number | undefined> }>;
    };
    const stats =
      (res.body as { timeseries_stats?: Array<{ timeseries_stat?: { breakdown_stats?: { ad?: Series[] } } }> })
        .timeseries_stats ?? [];
    const records: AdMetricRecord[] = [];
    for (const ad of stats.flatMap((t) => t.timeseries_stat?.breakdown_stats?.ad ?? [])) {
      for (const bucket of ad.timeseries ?? []) {
        const m = bucket.stats ?? {};
        // No delivery, no row (as other platforms report it).
        if (!m['impressions'] && !m['swipes'] && !m['spend'] && !m['conversion_purchases']) continue;
        // The bucket starts at local midnight written with the local offset: its date is the local day.
        records.push(
          adDay(account, ad.id, bucket.start_time.slice(0, 10), {
            impressions: m['impressions'] ?? 0,
            clicks: m['swipes'] ?? 0,
            spendMicros: micros(m['spend'] ?? 0) ?? 0n,
            conversions: m['conversion_purchases'] ?? 0,
          }),
        );
      }
    }
    return { records, next: to < end ? to : null };
  },
};
