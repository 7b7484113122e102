import type { AdEntityRecord, AdLevel, AdsSyncAdapter, AdsSyncContext, Page } from '../contracts/ads.ts';
import { adAccount, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';
import { integerMicros, optionalString } from '../kit/payload-values.ts';
import { reportStep } from './report-jobs.ts';

// ads.md §5.3: entity_status ACTIVE|PAUSED|DRAFT; deleted entities carry `deleted: true`.
const STATUS: StatusTable = { ACTIVE: 'active', PAUSED: 'paused', DRAFT: 'pending' };
const ACCOUNT_STATUS: StatusTable = {
  ACCEPTED: 'active',
  PENDING: 'pending',
  UNDER_REVIEW: 'pending',
  REJECTED: 'error',
  CANCELLED: 'archived',
};

export const LIST: Record<Exclude<AdLevel, 'account'>, { path: string; parent: string | null }> = {
  campaign: { path: 'campaigns', parent: null },
  ad_group: { path: 'line_items', parent: 'campaign_id' },
  ad: { path: 'promoted_tweets', parent: 'line_item_id' },
};

// ads.md §5.4: count up to 1000.
const COUNT = '1000';

export type Row = Record<string, unknown> & { id: string };

async function get(s: AdsSyncContext, path: string, params: Record<string, string>): Promise<HttpResponse> {
  const url = new URL(apiUrl(s.ctx, path));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
}

async function list(
  s: AdsSyncContext,
  path: string,
  params: Record<string, string>,
  cursor: string | null,
): Promise<Page<Row>> {
  const res = await get(s, path, { count: COUNT, ...params, ...(cursor ? { cursor } : {}) });
  const body = res.body as { data?: Row[]; next_cursor?: string | null };
  return { records: body.data ?? [], next: body.next_cursor ?? null };
}

const str = optionalString;
/** X money is `*_local_micro` (value × 1e6 for every currency, ads.md §5.3): integers taken as they are. */
const micros = integerMicros;

/** A campaign, line item or promoted tweet as the unified model holds it. */
export function toEntity(level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, r: Row): AdEntityRecord {
  const parent = LIST[level].parent;
  return adEntity(level, account, r, {
    platformId: r.id,
    parentPlatformId: parent ? str(r[parent]) : account.platformId,
    name: str(r['name']) ?? str(r['tweet_id']),
    status: r['deleted'] === true ? 'deleted' : (STATUS[str(r['entity_status']) ?? ''] ?? 'unknown'),
    platformStatus: str(r['entity_status']),
    objective: str(r['objective']),
    currency: str(r['currency']),
    dailyBudgetMicros: micros(r['daily_budget_amount_local_micro']),
    lifetimeBudgetMicros: micros(r['total_budget_amount_local_micro']),
    startAt: str(r['start_time']),
    endAt: str(r['end_time']),
  });
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
      const { status, platformStatus } = mappedStatus(ACCOUNT_STATUS, str(a['approval_status']));
      records.push(
        adAccount(a.id, a, {
          name: str(a['name']),
          status: a['deleted'] === true ? 'deleted' : status,
          platformStatus,
          currency: str(fi.data?.[0]?.['currency']),
          timeZone: str(a['timezone']),
        }),
      );
    }
    return { next: page.next, records };
  },

  async entities(s, level, account, cursor) {
    const e = LIST[level];
    // Drafts are real entities in the unified model; deleted ones drop out and are marked by the engine.
    const page = await list(s, `/accounts/${account.platformId}/${e.path}`, { with_draft: 'true' }, cursor);
    return { next: page.next, records: page.records.map((r) => toEntity(level, account, r)) };
  },

  async metrics(s, account, cursor) {
    // Asynchronous analytics jobs (report-jobs.ts): the cursor carries the jobs' state, so a
    // resumed run polls the jobs it already created.
    return reportStep(s, account, cursor, (page, count) =>
      list(s, `/accounts/${account.platformId}/promoted_tweets`, { count: String(count) }, page),
    );
  },
};
