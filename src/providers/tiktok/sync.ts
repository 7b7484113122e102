import { decimalToMicros } from '../../core/money.ts';
import type { AdEntityRecord, AdLevel, AdStatus, AdsSyncAdapter, AdsSyncContext } from '../contracts/ads.ts';
import { adAccount, adDay, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { addDays } from '../kit/account-time.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { scalarText } from '../kit/payload-values.ts';

// ads.md §3.3: secondary_status says more than operation_status (ENABLE | DISABLE); the
// explicit values first, then suffix rules for the long tail of *_STATUS_* values.
const SECONDARY: StatusTable = {
  CAMPAIGN_STATUS_ENABLE: 'active',
  CAMPAIGN_STATUS_DISABLE: 'paused',
  CAMPAIGN_STATUS_DELETE: 'deleted',
  CAMPAIGN_STATUS_BUDGET_EXCEED: 'active',
  ADGROUP_STATUS_DELIVERY_OK: 'active',
  ADGROUP_STATUS_DISABLE: 'paused',
  ADGROUP_STATUS_CAMPAIGN_DISABLE: 'paused',
  ADGROUP_STATUS_DELETE: 'deleted',
  ADGROUP_STATUS_CAMPAIGN_DELETE: 'deleted',
  ADGROUP_STATUS_AUDIT: 'pending',
  ADGROUP_STATUS_REAUDIT: 'pending',
  ADGROUP_STATUS_AUDIT_DENY: 'error',
  ADGROUP_STATUS_NOT_START: 'pending',
  ADGROUP_STATUS_TIME_DONE: 'archived',
  AD_STATUS_DELIVERY_OK: 'active',
  AD_STATUS_DISABLE: 'paused',
  AD_STATUS_ADGROUP_DISABLE: 'paused',
  AD_STATUS_CAMPAIGN_DISABLE: 'paused',
  AD_STATUS_DELETE: 'deleted',
  AD_STATUS_ADGROUP_DELETE: 'deleted',
  AD_STATUS_CAMPAIGN_DELETE: 'deleted',
  AD_STATUS_AUDIT: 'pending',
  AD_STATUS_REAUDIT: 'pending',
  AD_STATUS_AUDIT_DENY: 'error',
  AD_STATUS_NOT_START: 'pending',
  AD_STATUS_TIME_DONE: 'archived',
};
const OPERATION: StatusTable = { ENABLE: 'active', DISABLE: 'paused', DELETE: 'deleted' };
const ADVERTISER: StatusTable = {
  STATUS_ENABLE: 'active',
  STATUS_DISABLE: 'error',
  STATUS_LIMIT: 'error',
  STATUS_CONFIRM_FAIL: 'error',
  STATUS_CONFIRM_MODIFY_FAIL: 'error',
  STATUS_PENDING_CONFIRM: 'pending',
  STATUS_PENDING_VERIFIED: 'pending',
  STATUS_WAIT_FOR_BPM_AUDIT: 'pending',
  STATUS_SELF_SERVICE_UNAUDITED: 'pending',
  STATUS_CONTRACT_PENDING: 'pending',
};

function statusOf(secondary: string | null, operation: string | null): AdStatus {
  if (secondary) {
    const known = SECONDARY[secondary];
    if (known) return known;
    if (/_DELETE$/.test(secondary)) return 'deleted';
    if (/AUDIT_DENY|REJECT/.test(secondary)) return 'error';
    if (/AUDIT/.test(secondary)) return 'pending';
    if (/DISABLE/.test(secondary)) return 'paused';
  }
  return OPERATION[operation ?? ''] ?? 'unknown';
}

type Obj = Record<string, unknown>;

interface Envelope<T> {
  code: number;
  data?: { list?: T[]; page_info?: { page: number; total_page: number } };
}

const PAGE_SIZE = 1000;
// Airbyte slices daily reports into 30-day windows (ads.md §3.5; TikTok's own maximum is unconfirmed).
const REPORT_SPAN_DAYS = 30;

/** A GET with TikTok's conventions: arrays and objects as JSON strings, paths ending in `/` (ads.md §3.2–3.3). */
export async function get<T>(s: AdsSyncContext, path: string, params: Record<string, unknown>): Promise<Envelope<T>> {
  const url = new URL(apiUrl(s.ctx, path));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  // Application errors (40100 throttling among them) come as HTTP 200: the connector classifies the body.
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
  return res.body as Envelope<T>;
}

const str = scalarText;
/** `YYYY-MM-DD HH:MM:SS` in UTC (ads.md §3.3) as an ISO instant. */
const utc = (v: unknown): string | null => (str(v) ? `${String(v).replace(' ', 'T')}Z` : null);
/** Report values are strings; "-" means no data (ads.md §3.5). */
const num = (v: unknown): number => (v === undefined || v === null || v === '-' || v === '' ? 0 : Number(v));

export const LEVEL: Record<
  Exclude<AdLevel, 'account'>,
  { path: string; id: string; name: string; parent: string | null; all: string }
> = {
  campaign: {
    path: '/campaign/get/',
    id: 'campaign_id',
    name: 'campaign_name',
    parent: null,
    all: 'CAMPAIGN_STATUS_ALL',
  },
  ad_group: {
    path: '/adgroup/get/',
    id: 'adgroup_id',
    name: 'adgroup_name',
    parent: 'campaign_id',
    all: 'ADGROUP_STATUS_ALL',
  },
  ad: { path: '/ad/get/', id: 'ad_id', name: 'ad_name', parent: 'adgroup_id', all: 'AD_STATUS_ALL' },
};

/** Budgets are floats in the currency's major units (ads.md §3.3), converted without float arithmetic. */
function budgets(r: Obj): { dailyBudgetMicros: bigint | null; lifetimeBudgetMicros: bigint | null } {
  const amount =
    typeof r['budget'] === 'number' || typeof r['budget'] === 'string' ? decimalToMicros(r['budget']) : null;
  const mode = r['budget_mode'];
  return {
    dailyBudgetMicros: mode === 'BUDGET_MODE_DAY' || mode === 'BUDGET_MODE_DYNAMIC_DAILY_BUDGET' ? amount : null,
    lifetimeBudgetMicros: mode === 'BUDGET_MODE_TOTAL' ? amount : null,
  };
}

/** One campaign, ad group or ad of a get list (campaign/get, adgroup/get, ad/get) in the unified shape. */
export function toEntity(level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, r: Obj): AdEntityRecord {
  const l = LEVEL[level];
  return adEntity(level, account, r, {
    platformId: String(r[l.id]),
    parentPlatformId: l.parent ? str(r[l.parent]) : account.platformId,
    name: str(r[l.name]),
    status: statusOf(str(r['secondary_status']), str(r['operation_status'])),
    platformStatus: str(r['secondary_status']) ?? str(r['operation_status']),
    objective: level === 'campaign' ? str(r['objective_type']) : null,
    ...(level === 'ad' ? {} : budgets(r)),
    startAt: utc(r['schedule_start_time']),
    endAt: utc(r['schedule_end_time']),
  });
}

/** TikTok Marketing API pages mapped to the unified ads model (money: floats and decimal strings in major units). */
export const tiktokAdsSync: AdsSyncAdapter = {
  // ads.md §3.5: attribution keeps updating conversions; the sheet says re-pull about 7–28 days.
  lookbackDays: 28,

  async accounts(s, cursor) {
    // Cursor: offset into the authorized advertiser list (advertiser/info takes up to 100 ids).
    const offset = cursor ? Number(cursor) : 0;
    const listed = await get<{ advertiser_id: string | number }>(s, '/oauth2/advertiser/get/', {
      app_id: s.ctx.app.clientId ?? '',
      secret: s.ctx.app.clientSecret ?? '',
    });
    const ids = (listed.data?.list ?? []).map((a) => String(a.advertiser_id)).sort();
    const chunk = ids.slice(offset, offset + 100);
    if (!chunk.length) return { records: [], next: null };
    const info = await get<Obj>(s, '/advertiser/info/', {
      advertiser_ids: chunk,
      fields: ['advertiser_id', 'name', 'currency', 'timezone', 'status', 'company', 'country'],
    });
    return {
      next: offset + 100 < ids.length ? String(offset + 100) : null,
      records: (info.data?.list ?? []).map((a) =>
        adAccount(String(a['advertiser_id']), a, {
          name: str(a['name']),
          ...mappedStatus(ADVERTISER, str(a['status'])),
          currency: str(a['currency']),
          timeZone: str(a['timezone']),
        }),
      ),
    };
  },

  async entities(s, level, account, cursor) {
    const l = LEVEL[level];
    const page = cursor ? Number(cursor) : 1;
    // *_STATUS_ALL: deleted objects are listed too (ads.md §3.3), so deletions arrive as a status.
    const body = await get<Obj>(s, l.path, {
      advertiser_id: account.platformId,
      filtering: { secondary_status: l.all },
      page: String(page),
      page_size: String(PAGE_SIZE),
    });
    const info = body.data?.page_info;
    return {
      next: info && info.page < info.total_page ? String(page + 1) : null,
      records: (body.data?.list ?? []).map((r) => toEntity(level, account, r)),
    };
  },

  async metrics(s, account, cursor) {
    // Cursor: the first day of the current 30-day slice and the page within it.
    const at = cursor ? (JSON.parse(cursor) as { from: string; page: number }) : { from: s.since, page: 1 };
    const last = addDays(at.from, REPORT_SPAN_DAYS - 1);
    const to = last < s.until ? last : s.until;
    type Row = { dimensions: { ad_id: string | number; stat_time_day: string }; metrics: Record<string, string> };
    const body = await get<Row>(s, '/report/integrated/get/', {
      advertiser_id: account.platformId,
      report_type: 'BASIC',
      service_type: 'AUCTION',
      data_level: 'AUCTION_AD',
      dimensions: ['ad_id', 'stat_time_day'],
      metrics: ['spend', 'impressions', 'clicks', 'conversion'],
      start_date: at.from,
      end_date: to,
      page: String(at.page),
      page_size: String(PAGE_SIZE),
    });
    const info = body.data?.page_info;
    const next =
      info && info.page < info.total_page
        ? { from: at.from, page: at.page + 1 }
        : to < s.until
          ? { from: addDays(to, 1), page: 1 }
          : null;
    return {
      next: next ? JSON.stringify(next) : null,
      records: (body.data?.list ?? []).map((r) =>
        // Days in the advertiser's time zone, sent as "YYYY-MM-DD 00:00:00".
        adDay(account, String(r.dimensions.ad_id), r.dimensions.stat_time_day.slice(0, 10), {
          impressions: num(r.metrics['impressions']),
          clicks: num(r.metrics['clicks']),
          spendMicros:
            r.metrics['spend'] && r.metrics['spend'] !== '-' ? (decimalToMicros(r.metrics['spend']) ?? 0n) : 0n,
          conversions: num(r.metrics['conversion']),
        }),
      ),
    };
  },
};
