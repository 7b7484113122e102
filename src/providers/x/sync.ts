import type { AdEntityRecord, AdLevel, AdMetricRecord, AdStatus, AdsSyncAdapter, AdsSyncContext, Page } from '../../sync/ads/types.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';
import { addDays, daysBetween, offsetMinutes } from '../kit/account-time.ts';

// ads.md §5.3: entity_status ACTIVE|PAUSED|DRAFT; deleted entities carry `deleted: true`.
const STATUS: Record<string, AdStatus> = { ACTIVE: 'active', PAUSED: 'paused', DRAFT: 'pending' };
const ACCOUNT_STATUS: Record<string, AdStatus> = { ACCEPTED: 'active', PENDING: 'pending', UNDER_REVIEW: 'pending', REJECTED: 'error', CANCELLED: 'archived' };

const LIST: Record<Exclude<AdLevel, 'account'>, { path: string; parent: string | null }> = {
  campaign: { path: 'campaigns', parent: null },
  ad_group: { path: 'line_items', parent: 'campaign_id' },
  ad: { path: 'promoted_tweets', parent: 'line_item_id' },
};

// ads.md §5.4: count up to 1000; §5.5: ≤20 entity_ids and ≤7 days per synchronous stats call.
const COUNT = '1000';
const IDS_PER_CALL = 20;
const DAYS_PER_CALL = 7;

type Row = Record<string, unknown> & { id: string };

async function get(s: AdsSyncContext, path: string, params: Record<string, string>): Promise<HttpResponse> {
  const url = new URL(apiUrl(s.ctx, path));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
}

async function list(s: AdsSyncContext, path: string, params: Record<string, string>, cursor: string | null): Promise<Page<Row>> {
  const res = await get(s, path, { count: COUNT, ...params, ...(cursor ? { cursor } : {}) });
  const body = res.body as { data?: Row[]; next_cursor?: string | null };
  return { records: body.data ?? [], next: body.next_cursor ?? null };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** X money is `*_local_micro` (value × 1e6 for every currency, ads.md §5.3): integers taken as they are. */
const micros = (v: unknown): bigint | null => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : null);

/** The account's midnight of a date as X wants it: whole UTC hours with today's offset (ads.md §5.5). */
function midnight(date: string, tz: string): string {
  const off = offsetMinutes(tz, Date.now());
  return new Date(Date.parse(`${date}T00:00:00Z`) - off * 60_000).toISOString().replace('.000Z', 'Z');
}

interface StatsCursor {
  /** promoted_tweets cursor of the id page in use (null: the first). */
  pt: string | null;
  /** Offset of the 20-id batch within that page. */
  off: number;
  /** First date of the 7-day chunk. */
  from: string;
}

/** X Ads API pages mapped to the unified ads model (money already in micros). */
export const xAdsSync: AdsSyncAdapter = {
  // ads.md §5.5: billed_charge_local_micro can still be adjusted for up to 14 days.
  lookbackDays: 14,

  async accounts(s, cursor) {
    const page = await list(s, '/accounts', {}, cursor);
    const records: AdEntityRecord[] = [];
    for (const a of page.records) {
      // The currency is the funding instrument's (ads.md §5.3); accounts do not carry one.
      const fi = (await get(s, `/accounts/${a.id}/funding_instruments`, {})).body as { data?: Row[] };
      records.push({
        level: 'account',
        platformId: a.id,
        accountPlatformId: a.id,
        parentPlatformId: null,
        name: str(a['name']),
        status: a['deleted'] === true ? 'deleted' : (ACCOUNT_STATUS[str(a['approval_status']) ?? ''] ?? 'unknown'),
        platformStatus: str(a['approval_status']),
        currency: str(fi.data?.[0]?.['currency']),
        timeZone: str(a['timezone']),
        raw: a,
      });
    }
    return { next: page.next, records };
  },

  async entities(s, level, account, cursor) {
    const e = LIST[level];
    // Drafts are real entities in the unified model; deleted ones drop out and are marked by the engine.
    const page = await list(s, `/accounts/${account.platformId}/${e.path}`, { with_draft: 'true' }, cursor);
    return {
      next: page.next,
      records: page.records.map(
        (r): AdEntityRecord => ({
          level,
          platformId: r.id,
          accountPlatformId: account.platformId,
          parentPlatformId: e.parent ? str(r[e.parent]) : account.platformId,
          name: str(r['name']) ?? str(r['tweet_id']),
          status: r['deleted'] === true ? 'deleted' : (STATUS[str(r['entity_status']) ?? ''] ?? 'unknown'),
          platformStatus: str(r['entity_status']),
          objective: str(r['objective']),
          currency: str(r['currency']) ?? account.currency ?? null,
          dailyBudgetMicros: micros(r['daily_budget_amount_local_micro']),
          lifetimeBudgetMicros: micros(r['total_budget_amount_local_micro']),
          startAt: str(r['start_time']),
          endAt: str(r['end_time']),
          raw: r,
        }),
      ),
    };
  },

  async metrics(s, account, cursor) {
    // Promoted tweets in batches of 20, each over the window in 7-day chunks; the cursor says
    // which id page, batch and chunk come next. The id page is re-read per call (one cheap call).
    const c: StatsCursor = cursor ? (JSON.parse(cursor) as StatsCursor) : { pt: null, off: 0, from: s.since };
    const tz = account.timeZone ?? 'UTC';
    const ids = await list(s, `/accounts/${account.platformId}/promoted_tweets`, {}, c.pt);
    const batch = ids.records.slice(c.off, c.off + IDS_PER_CALL).map((r) => r.id);
    const end = addDays(s.until, 1);
    const to = daysBetween(c.from, end) > DAYS_PER_CALL ? addDays(c.from, DAYS_PER_CALL) : end;
    const next: StatsCursor | null =
      to < end ? { ...c, from: to } : c.off + IDS_PER_CALL < ids.records.length ? { pt: c.pt, off: c.off + IDS_PER_CALL, from: s.since } : ids.next ? { pt: ids.next, off: 0, from: s.since } : null;
    const records: AdMetricRecord[] = [];
    if (batch.length) {
      const res = await get(s, `/stats/accounts/${account.platformId}`, {
        entity: 'PROMOTED_TWEET',
        entity_ids: batch.join(','),
        granularity: 'DAY',
        metric_groups: 'ENGAGEMENT,BILLING',
        placement: 'ALL_ON_TWITTER',
        start_time: midnight(c.from, tz),
        end_time: midnight(to, tz),
      });
      type M = Record<string, number[] | null | undefined>;
      const data = (res.body as { data?: Array<{ id: string; id_data?: Array<{ metrics?: M }> }> }).data ?? [];
      for (const d of data) {
        const m = d.id_data?.[0]?.metrics ?? {};
        const at = (k: string, i: number) => m[k]?.[i] ?? 0;
        for (let i = 0; i < daysBetween(c.from, to); i++) {
          if (!at('impressions', i) && !at('clicks', i) && !at('billed_charge_local_micro', i)) continue;
          records.push({
            level: 'ad',
            platformId: d.id,
            date: addDays(c.from, i),
            impressions: at('impressions', i),
            clicks: at('clicks', i),
            spendMicros: micros(at('billed_charge_local_micro', i)) ?? 0n,
            // Conversions need the WEB_CONVERSION group, which this pull does not request.
            conversions: 0,
            currency: account.currency ?? null,
          });
        }
      }
    }
    return { records, next: next ? JSON.stringify(next) : null };
  },
};

