import { decimalToMicros } from '../../core/money.ts';
import type {
  AdEntityRecord,
  AdLevel,
  AdMetricRecord,
  AdsSyncAdapter,
  AdsSyncContext,
  Page,
} from '../contracts/ads.ts';
import { adAccount, adDay, adEntity, mappedStatus, type StatusTable } from '../kit/ad-records.ts';
import { addDays, daysBetween } from '../kit/account-time.ts';
import { apiGet } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';

// ads.md §4.3. Completed and canceled entities no longer deliver and cannot restart: archived.
// Pending deletion is treated as gone, as the platform stops serving it at once.
const STATUS: StatusTable = {
  ACTIVE: 'active',
  PAUSED: 'paused',
  DRAFT: 'pending',
  ARCHIVED: 'archived',
  COMPLETED: 'archived',
  CANCELED: 'archived',
  PENDING_DELETION: 'deleted',
  REMOVED: 'deleted',
};

/**
 * The unified levels are account → campaign → ad group → ad; LinkedIn's are account → campaign
 * group → campaign → creative, so each LinkedIn level moves one name down.
 */
export const LIST: Record<
  Exclude<AdLevel, 'account'>,
  { path: string; finder: string; parent: string | null; statusField: string }
> = {
  campaign: { path: 'adCampaignGroups', finder: 'q=search', parent: null, statusField: 'status' },
  ad_group: { path: 'adCampaigns', finder: 'q=search', parent: 'campaignGroup', statusField: 'status' },
  ad: { path: 'creatives', finder: 'q=criteria', parent: 'campaign', statusField: 'intendedStatus' },
};

// ads.md §4.4: the maximum page size is unconfirmed; 500 is known to work.
const PAGE_SIZE = 500;
// ads.md §4.5: adAnalytics is not paginated and stops at 15,000 elements; a full answer is split.
const MAX_ELEMENTS = 15_000;
const DAYS_PER_CALL = 31;
const FIELDS = 'impressions,clicks,costInLocalCurrency,externalWebsiteConversions,dateRange,pivotValues';

type Row = Record<string, unknown>;

export async function get(s: AdsSyncContext, pathAndQuery: string): Promise<HttpResponse> {
  // Rest.li 2.0 queries keep parentheses, commas and colons literal, so the query is written by hand.
  return apiGet(s.connector, s.ctx, s.creds, pathAndQuery);
}

async function list(s: AdsSyncContext, pathAndQuery: string, cursor: string | null): Promise<Page<Row>> {
  const res = await get(
    s,
    `${pathAndQuery}&pageSize=${PAGE_SIZE}${cursor ? `&pageToken=${encodeURIComponent(cursor)}` : ''}`,
  );
  const body = res.body as { elements?: Row[]; metadata?: { nextPageToken?: string } };
  return { records: body.elements ?? [], next: body.metadata?.nextPageToken || null };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** Ids are longs, references URNs (`urn:li:sponsoredCampaign:123`): the unified id is the long. */
const idOf = (v: unknown): string | null =>
  typeof v === 'number' ? String(v) : typeof v === 'string' ? v.slice(v.lastIndexOf(':') + 1) || null : null;
const money = (v: unknown): bigint | null => decimalToMicros(str((v as { amount?: unknown } | undefined)?.amount));
const iso = (ms: unknown): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
const ymd = (d: string) =>
  `(year:${Number(d.slice(0, 4))},month:${Number(d.slice(5, 7))},day:${Number(d.slice(8, 10))})`;

/** A campaign group, campaign or creative in the unified shape (one level down, see LIST). */
export function toEntity(level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, r: Row): AdEntityRecord {
  const e = LIST[level];
  const schedule = r['runSchedule'] as { start?: number; end?: number } | undefined;
  return adEntity(level, account, r, {
    platformId: idOf(r['id']) ?? '',
    parentPlatformId: e.parent ? idOf(r[e.parent]) : account.platformId,
    name: str(r['name']),
    ...mappedStatus(STATUS, str(r[e.statusField])),
    objective: str(r['objectiveType']),
    currency:
      str((r['dailyBudget'] as Row | undefined)?.['currencyCode']) ??
      str((r['totalBudget'] as Row | undefined)?.['currencyCode']),
    dailyBudgetMicros: money(r['dailyBudget']),
    lifetimeBudgetMicros: money(r['totalBudget']),
    startAt: iso(schedule?.start),
    endAt: iso(schedule?.end),
  });
}

/** LinkedIn Marketing API (Rest.li 2.0) mapped to the unified ads model; money in major-unit decimal strings. */
export const linkedinAdsSync: AdsSyncAdapter = {
  // ads.md §4.5: the restatement window is unconfirmed; the last ~30 days are re-pulled.
  lookbackDays: 30,

  async accounts(s, cursor) {
    // Every account the member can reach, whatever its state: closed ones still hold history.
    const page = await list(s, '/adAccounts?q=search', cursor);
    return {
      next: page.next,
      records: page.records.map((a) =>
        adAccount(idOf(a['id']) ?? '', a, {
          name: str(a['name']),
          ...mappedStatus(STATUS, str(a['status'])),
          currency: str(a['currency']),
          // Accounts carry no time zone; analytics days are UTC days.
          timeZone: null,
        }),
      ),
    };
  },

  async entities(s, level, account, cursor) {
    const e = LIST[level];
    // No status facet: removed entities, when listed, map to deleted; when not, the engine marks them.
    const page = await list(s, `/adAccounts/${account.platformId}/${e.path}?${e.finder}`, cursor);
    return {
      next: page.next,
      records: page.records.map((r) => toEntity(level, account, r)),
    };
  },

  async metrics(s, account, cursor) {
    // Per account, one CREATIVE-pivot DAILY call per chunk of up to 31 days; the cursor is the
    // chunk's first date. A chunk that comes back at the 15,000 cap may have been cut, so it is
    // halved until it fits (down to a single day).
    const from = cursor ?? s.since;
    const end = addDays(s.until, 1);
    let span = Math.min(DAYS_PER_CALL, daysBetween(from, end));
    if (span <= 0) return { records: [], next: null };
    const accountUrn = encodeURIComponent(`urn:li:sponsoredAccount:${account.platformId}`);
    let elements: Row[];
    for (;;) {
      const last = addDays(from, span - 1);
      const res = await get(
        s,
        `/adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY&dateRange=(start:${ymd(from)},end:${ymd(last)})&accounts=List(${accountUrn})&fields=${FIELDS}`,
      );
      elements = (res.body as { elements?: Row[] }).elements ?? [];
      if (elements.length < MAX_ELEMENTS || span === 1) break;
      span = Math.ceil(span / 2);
    }
    const records: AdMetricRecord[] = [];
    for (const el of elements) {
      const start = (el['dateRange'] as { start?: { year: number; month: number; day: number } } | undefined)?.start;
      const creative = idOf((el['pivotValues'] as unknown[] | undefined)?.[0]);
      if (!start || !creative) continue;
      const date = `${start.year}-${String(start.month).padStart(2, '0')}-${String(start.day).padStart(2, '0')}`;
      records.push(
        adDay(account, creative, date, {
          impressions: Number(el['impressions'] ?? 0),
          clicks: Number(el['clicks'] ?? 0),
          spendMicros:
            decimalToMicros(
              str(el['costInLocalCurrency']) ??
                (typeof el['costInLocalCurrency'] === 'number' ? el['costInLocalCurrency'] : null),
            ) ?? 0n,
          conversions: Number(el['externalWebsiteConversions'] ?? 0),
        }),
      );
    }
    const next = addDays(from, span);
    return { records, next: next < end ? next : null };
  },
};
