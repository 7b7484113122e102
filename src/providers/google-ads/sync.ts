import type { AdEntityRecord, AdLevel, AdStatus, AdsSyncAdapter, AdsSyncContext, Page } from '../contracts/ads.ts';
import { adAccount, adDay, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { offsetMinutes } from '../kit/account-time.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { scalarText } from '../kit/payload-values.ts';

// ads.md §2.3: campaign, ad group and ad group ad share ENABLED | PAUSED | REMOVED.
const STATUS: StatusTable = {
  ENABLED: 'active',
  PAUSED: 'paused',
  REMOVED: 'deleted',
  UNSPECIFIED: 'unknown',
  UNKNOWN: 'unknown',
};
const CUSTOMER_STATUS: StatusTable = {
  ENABLED: 'active',
  CANCELED: 'archived',
  CLOSED: 'archived',
  SUSPENDED: 'error',
};
// Google's "runs indefinitely" end date (ads.md §2.3).
const NO_END = '2037-12-30';

type Row = Record<string, Record<string, unknown> | undefined>;
type Obj = Record<string, unknown>;

interface SearchPage {
  results?: Row[];
  nextPageToken?: string;
}

/** One GAQL search page; `login` is the manager the customer is reached through (login-customer-id). */
export async function search(
  s: AdsSyncContext,
  customerId: string,
  login: string,
  query: string,
  pageToken: string | null,
): Promise<Page<Row>> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, `/customers/${customerId}/googleAds:search`),
    headers: { 'login-customer-id': login },
    // ads.md §2.4: no pageSize (rejected); later pages repeat the identical query with pageToken.
    json: pageToken ? { query, pageToken } : { query },
  });
  const body = res.body as SearchPage;
  return { records: body.results ?? [], next: body.nextPageToken ?? null };
}

const str = scalarText;
const micros = (v: unknown): bigint | null => {
  const s = str(v);
  return s === null ? null : BigInt(s);
};

/** The manager a customer was listed under: `customers/{login}/customerClients/{id}`. */
export function loginOf(account: AdEntityRecord): string {
  const name = (account.raw as Obj | null)?.['resourceName'];
  return typeof name === 'string' ? (name.split('/')[1] ?? account.platformId) : account.platformId;
}

/** Only enabled customers can be queried (others answer CUSTOMER_NOT_ENABLED). */
const queryable = (account: AdEntityRecord): boolean => (account.raw as Obj | null)?.['status'] === 'ENABLED';

/** A `YYYY-MM-DD` day at a wall-clock time in an IANA zone, as an ISO instant. */
function zoned(date: string, time: string, timeZone: string | null | undefined): string {
  const guess = Date.parse(`${date}T${time}Z`);
  return new Date(timeZone ? guess - offsetMinutes(timeZone, guess) * 60_000 : guess).toISOString();
}

const SELECT: Record<Exclude<AdLevel, 'account'>, { fields: string; from: string; id: string }> = {
  campaign: {
    fields:
      'campaign.id, campaign.name, campaign.status, campaign.serving_status, campaign.advertising_channel_type, campaign.bidding_strategy_type, ' +
      'campaign.start_date_time, campaign.end_date_time, campaign_budget.amount_micros, campaign_budget.total_amount_micros, campaign_budget.period',
    from: 'campaign',
    id: 'campaign.id',
  },
  ad_group: {
    fields: 'ad_group.id, ad_group.name, ad_group.status, ad_group.type, ad_group.cpc_bid_micros, campaign.id',
    from: 'ad_group',
    id: 'ad_group.id',
  },
  ad: {
    fields:
      'ad_group_ad.ad.id, ad_group_ad.ad.name, ad_group_ad.ad.type, ad_group_ad.status, ad_group_ad.policy_summary.approval_status, ' +
      'ad_group_ad.policy_summary.review_status, ad_group.id, campaign.id',
    from: 'ad_group_ad',
    id: 'ad_group_ad.ad.id',
  },
};

/** The GAQL that reads one level into the unified shape: all of it, or the one entity with `id`. */
export function entityQuery(level: Exclude<AdLevel, 'account'>, id?: string): string {
  const q = SELECT[level];
  const where = id === undefined ? '' : ` WHERE ${q.id} = ${/^\d+$/.test(id) ? id : "''"}`;
  return `SELECT ${q.fields} FROM ${q.from}${where} ORDER BY ${q.id}`;
}

/** An ad's unified status: its own status, then what policy review says about an enabled ad. */
function adStatus(aga: Obj): AdStatus {
  const own = STATUS[String(aga['status'])] ?? 'unknown';
  if (own !== 'active') return own;
  const policy = (aga['policySummary'] ?? {}) as Obj;
  if (policy['approvalStatus'] === 'DISAPPROVED') return 'error';
  if (policy['reviewStatus'] === 'REVIEW_IN_PROGRESS') return 'pending';
  return own;
}

export function entity(level: Exclude<AdLevel, 'account'>, row: Row, account: AdEntityRecord): AdEntityRecord {
  if (level === 'campaign') {
    const c = row['campaign'] ?? {};
    const b = row['campaignBudget'] ?? {};
    const daily = b['period'] !== 'CUSTOM_PERIOD';
    // docs/platforms/google-ads.md §Version: v23+ date times, "yyyy-MM-dd HH:mm:ss" in the customer's zone.
    const start = str(c['startDateTime']);
    const end = str(c['endDateTime']);
    return adEntity(level, account, row, {
      platformId: String(c['id']),
      parentPlatformId: account.platformId,
      name: str(c['name']),
      ...mappedStatus(STATUS, str(c['status'])),
      // ads.md §2.3: no objective field; the channel type plays that role.
      objective: str(c['advertisingChannelType']),
      dailyBudgetMicros: daily ? micros(b['amountMicros']) : null,
      lifetimeBudgetMicros: daily ? null : micros(b['totalAmountMicros'] ?? b['amountMicros']),
      // No end (or the old far-future end of campaigns created before v23) runs indefinitely.
      startAt: start ? zoned(start.slice(0, 10), start.slice(11, 19) || '00:00:00', account.timeZone) : null,
      endAt:
        end && !end.startsWith(NO_END)
          ? zoned(end.slice(0, 10), end.slice(11, 19) || '23:59:59', account.timeZone)
          : null,
    });
  }
  if (level === 'ad_group') {
    const g = row['adGroup'] ?? {};
    return adEntity(level, account, row, {
      platformId: String(g['id']),
      parentPlatformId: str(row['campaign']?.['id']),
      name: str(g['name']),
      ...mappedStatus(STATUS, str(g['status'])),
    });
  }
  const aga = row['adGroupAd'] ?? {};
  const ad = (aga['ad'] ?? {}) as Obj;
  return adEntity(level, account, row, {
    platformId: String(ad['id']),
    parentPlatformId: str(row['adGroup']?.['id']),
    name: str(ad['name']),
    status: adStatus(aga),
    platformStatus: str(aga['status']),
  });
}

/** Google Ads GAQL results mapped to the unified ads model (money: micros already, as int64 strings). */
export const googleAdsSync: AdsSyncAdapter = {
  // ads.md §2.5: conversions keep moving for the conversion window; 14 days is the common default.
  lookbackDays: 14,

  async accounts(s, cursor) {
    // Cursor: which directly accessible customer is being listed, and the page token within it.
    const at = cursor ? (JSON.parse(cursor) as { i: number; t: string | null }) : { i: 0, t: null };
    const res = await apiGet(s.connector, s.ctx, s.creds, '/customers:listAccessibleCustomers');
    const direct = ((res.body as { resourceNames?: string[] }).resourceNames ?? [])
      .map((n) => n.replace(/^customers\//, ''))
      .sort();
    const root = direct[at.i];
    if (!root) return { records: [], next: null };
    // Managers hold no ads: their client accounts (and standalone customers themselves) are the ad accounts.
    const page = await search(
      s,
      root,
      root,
      'SELECT customer_client.id, customer_client.descriptive_name, customer_client.currency_code, customer_client.time_zone, customer_client.status, ' +
        'customer_client.manager, customer_client.level FROM customer_client WHERE customer_client.manager = FALSE ORDER BY customer_client.id',
      at.t,
    );
    const next = page.next ? { i: at.i, t: page.next } : at.i + 1 < direct.length ? { i: at.i + 1, t: null } : null;
    return {
      next: next ? JSON.stringify(next) : null,
      records: page.records.map((row) => {
        const c = row['customerClient'] ?? {};
        return adAccount(String(c['id']), c, {
          name: str(c['descriptiveName']),
          ...mappedStatus(CUSTOMER_STATUS, str(c['status'])),
          currency: str(c['currencyCode']),
          timeZone: str(c['timeZone']),
        });
      }),
    };
  },

  async entities(s, level, account, cursor) {
    if (!queryable(account)) return { records: [], next: null };
    const page = await search(s, account.platformId, loginOf(account), entityQuery(level), cursor);
    return { next: page.next, records: page.records.map((r) => entity(level, r, account)) };
  },

  async metrics(s, account, cursor) {
    if (!queryable(account)) return { records: [], next: null };
    // segments.date is the day in the customer's time zone (ads.md §2.5).
    const query =
      'SELECT ad_group_ad.ad.id, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions ' +
      `FROM ad_group_ad WHERE segments.date BETWEEN '${s.since}' AND '${s.until}' ORDER BY segments.date, ad_group_ad.ad.id`;
    const page = await search(s, account.platformId, loginOf(account), query, cursor);
    return {
      next: page.next,
      records: page.records.map((r) => {
        const m = r['metrics'] ?? {};
        const ad = String((r['adGroupAd']?.['ad'] as Obj | undefined)?.['id']);
        return adDay(account, ad, String(r['segments']?.['date']), {
          impressions: Number(m['impressions'] ?? 0),
          clicks: Number(m['clicks'] ?? 0),
          spendMicros: micros(m['costMicros']) ?? 0n,
          conversions: Number(m['conversions'] ?? 0),
        });
      }),
    };
  },
};
