/**
 * Marketing API reads: `/advertiser/info/` and `/campaign/get/` with TikTok's GET conventions
 * (array/object params as JSON strings, `page`/`page_size` ≤ 1000, `data.page_info`) and its
 * in-body error codes (40002 bad params, 40001 no permission on the advertiser).
 */
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TikTokContext } from './context.ts';
import { jsonParam, ok, reply } from './envelope.ts';
import { authenticate } from './oauth.ts';
import { adDay, isoDay, type Ad, type AdGroup, type Campaign } from './world.ts';

export const CAMPAIGN_FIELDS = [
  'campaign_id',
  'campaign_name',
  'advertiser_id',
  'objective_type',
  'budget_mode',
  'budget',
  'operation_status',
  'secondary_status',
  'campaign_type',
  'budget_optimize_on',
  'is_smart_performance_campaign',
  'create_time',
  'modify_time',
];
const ADGROUP_FIELDS = [
  'adgroup_id',
  'adgroup_name',
  'advertiser_id',
  'campaign_id',
  'budget_mode',
  'budget',
  'schedule_type',
  'schedule_start_time',
  'schedule_end_time',
  'optimization_goal',
  'billing_event',
  'bid_type',
  'bid_price',
  'placement_type',
  'placements',
  'location_ids',
  'operation_status',
  'secondary_status',
  'create_time',
  'modify_time',
];
const AD_FIELDS = [
  'ad_id',
  'ad_name',
  'advertiser_id',
  'campaign_id',
  'adgroup_id',
  'ad_format',
  'ad_text',
  'video_id',
  'call_to_action',
  'landing_page_url',
  'identity_type',
  'operation_status',
  'secondary_status',
  'create_time',
  'modify_time',
];
const REPORT_METRICS = ['spend', 'impressions', 'clicks', 'conversion', 'cpc', 'cpm', 'ctr', 'cost_per_conversion'];
const ADVERTISER_FIELDS = [
  'advertiser_id',
  'name',
  'currency',
  'timezone',
  'company',
  'status',
  'role',
  'country',
  'create_time',
];

export function pick(obj: object, fields: readonly string[]): Record<string, unknown> {
  const src = obj as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, src[f] ?? null]));
}

function stringList(
  raw: string | undefined,
  name: string,
): { ok: true; value: string[] | undefined } | { ok: false; message: string } {
  const parsed = jsonParam(raw);
  if (
    !parsed.ok ||
    (parsed.value !== undefined &&
      (!Array.isArray(parsed.value) || parsed.value.some((v) => typeof v !== 'string' && typeof v !== 'number')))
  ) {
    return { ok: false, message: `${name}: Not a valid list.` };
  }
  return { ok: true, value: parsed.value === undefined ? undefined : (parsed.value as unknown[]).map(String) };
}

function fieldsParam(
  req: SandboxRequest,
  allowed: readonly string[],
): { ok: true; value: readonly string[] } | { ok: false; message: string } {
  const list = stringList(req.query['fields'], 'fields');
  if (!list.ok) return list;
  if (!list.value) return { ok: true, value: allowed };
  const unknown = list.value.filter((f) => !allowed.includes(f));
  if (unknown.length) return { ok: false, message: `fields: Invalid field(s): ${unknown.join(', ')}.` };
  return { ok: true, value: list.value };
}

function paging(ctx: TikTokContext, req: SandboxRequest): { page: number; size: number } | SandboxResponse {
  const page = req.query['page'] === undefined ? 1 : Number(req.query['page']);
  const size = req.query['page_size'] === undefined ? 10 : Number(req.query['page_size']);
  if (!Number.isInteger(page) || page < 1) return reply(ctx.now(), 40002, 'page: Must be greater than or equal to 1.');
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    return reply(ctx.now(), 40002, 'page_size: Must be between 1 and 1000.');
  return { page, size };
}

function advertiserAccess(
  ctx: TikTokContext,
  req: SandboxRequest,
  allowed: readonly string[],
): { ok: true; id: string } | { ok: false; res: SandboxResponse } {
  const id = req.query['advertiser_id'];
  if (!id) return { ok: false, res: reply(ctx.now(), 40002, 'advertiser_id: Missing data for required field.') };
  if (!allowed.includes(id))
    return { ok: false, res: reply(ctx.now(), 40001, `No permission to operate advertiser ${id}.`) };
  return { ok: true, id };
}

/** What campaign/get, adgroup/get and ad/get read first, in TikTok's order of checks. */
interface ListQuery {
  advertiserId: string;
  fields: readonly string[];
  filtering: Record<string, unknown>;
  page: { page: number; size: number };
}

function listQuery(
  ctx: TikTokContext,
  req: SandboxRequest,
  allowed: readonly string[],
): { ok: true; q: ListQuery } | { ok: false; res: SandboxResponse } {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth;
  const adv = advertiserAccess(ctx, req, auth.advertiserIds);
  if (!adv.ok) return adv;
  const fields = fieldsParam(req, allowed);
  if (!fields.ok) return { ok: false, res: reply(ctx.now(), 40002, fields.message) };
  const filtering = jsonParam(req.query['filtering']);
  const value = filtering.ok ? filtering.value : undefined;
  if (!filtering.ok || (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))))
    return { ok: false, res: reply(ctx.now(), 40002, 'filtering: Not a valid mapping type.') };
  const page = paging(ctx, req);
  if ('status' in page) return { ok: false, res: page };
  const q = { advertiserId: adv.id, fields: fields.value, filtering: (value as Record<string, unknown>) ?? {}, page };
  return { ok: true, q };
}

/** Newest first; objects created in the same second by id. */
function newestFirst<T extends { create_time: string }>(idOf: (x: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    a.create_time < b.create_time ? 1 : a.create_time > b.create_time ? -1 : idOf(a).localeCompare(idOf(b));
}

/** One page of a list with TikTok's page_info. */
function pageReply(ctx: TikTokContext, all: readonly object[], q: ListQuery): SandboxResponse {
  const { page, size } = q.page;
  return ok(ctx.now(), {
    list: all.slice((page - 1) * size, page * size).map((x) => pick(x, q.fields)),
    page_info: { page, page_size: size, total_number: all.length, total_page: Math.ceil(all.length / size) },
  });
}

function filterCampaigns(list: Campaign[], filtering: Record<string, unknown>): Campaign[] {
  const ids = Array.isArray(filtering['campaign_ids']) ? filtering['campaign_ids'].map(String) : undefined;
  const status = typeof filtering['secondary_status'] === 'string' ? filtering['secondary_status'] : undefined;
  const objective = typeof filtering['objective_type'] === 'string' ? filtering['objective_type'] : undefined;
  return list.filter(
    (c) =>
      (!ids || ids.includes(c.campaign_id)) &&
      (!objective || c.objective_type === objective) &&
      // Deleted campaigns only show up with *_STATUS_ALL or an explicit delete filter.
      (status === 'CAMPAIGN_STATUS_ALL'
        ? true
        : status
          ? c.secondary_status === status
          : c.secondary_status !== 'CAMPAIGN_STATUS_DELETE'),
  );
}

export function apiRoutes(r: Router, ctx: TikTokContext): void {
  entityRoutes(r, ctx);
  r.add('GET', '/open_api/:version/advertiser/info/', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    const ids = stringList(req.query['advertiser_ids'], 'advertiser_ids');
    if (!ids.ok) return reply(ctx.now(), 40002, ids.message);
    if (!ids.value?.length) return reply(ctx.now(), 40002, 'advertiser_ids: Missing data for required field.');
    if (ids.value.length > 100) return reply(ctx.now(), 40011, 'Too many advertiser_ids; at most 100 are allowed.');
    const denied = ids.value.find((id) => !auth.advertiserIds.includes(id));
    if (denied) return reply(ctx.now(), 40001, `No permission to operate advertiser ${denied}.`);
    const fields = fieldsParam(req, ADVERTISER_FIELDS);
    if (!fields.ok) return reply(ctx.now(), 40002, fields.message);
    const list = ctx.world.advertisers
      .filter((a) => ids.value?.includes(a.advertiser_id))
      .map((a) => pick(a, fields.value));
    return ok(ctx.now(), { list });
  });

  r.add('GET', '/open_api/:version/campaign/get/', (req) => {
    const l = listQuery(ctx, req, CAMPAIGN_FIELDS);
    if (!l.ok) return l.res;
    const own = ctx.world.campaigns.filter((c) => c.advertiser_id === l.q.advertiserId);
    return pageReply(ctx, filterCampaigns(own, l.q.filtering).sort(newestFirst((c) => c.campaign_id)), l.q);
  });
}

type Listed = { create_time: string; secondary_status: string; campaign_id: string; adgroup_id: string };

/** What adgroup/get and ad/get differ in: the status prefix, the objects, their id and their fields. */
interface ListedKind<T extends Listed> {
  kind: 'ADGROUP' | 'AD';
  items: (w: TikTokContext['world']) => T[];
  idOf: (x: T) => string;
  fields: readonly string[];
}

const ADGROUPS: ListedKind<AdGroup> = {
  kind: 'ADGROUP',
  items: (w) => w.adgroups,
  idOf: (g) => g.adgroup_id,
  fields: ADGROUP_FIELDS,
};
const ADS: ListedKind<Ad> = { kind: 'AD', items: (w) => w.ads, idOf: (a) => a.ad_id, fields: AD_FIELDS };

/** adgroup/get and ad/get: one advertiser's objects, newest first, deleted ones only with *_STATUS_ALL. */
function listRoute<T extends Listed>(ctx: TikTokContext, req: SandboxRequest, listed: ListedKind<T>): SandboxResponse {
  const { kind, items, idOf } = listed;
  const l = listQuery(ctx, req, listed.fields);
  if (!l.ok) return l.res;
  const flt = l.q.filtering;
  const ids = (key: string) => (Array.isArray(flt[key]) ? (flt[key] as unknown[]).map(String) : undefined);
  const campaignIds = ids('campaign_ids');
  const adgroupIds = ids('adgroup_ids');
  const ownIds = ids(kind === 'AD' ? 'ad_ids' : 'adgroup_ids');
  const status = typeof flt['secondary_status'] === 'string' ? flt['secondary_status'] : undefined;
  const all = items(ctx.world)
    .filter(
      (x) =>
        (x as unknown as { advertiser_id: string }).advertiser_id === l.q.advertiserId &&
        (!campaignIds || campaignIds.includes(x.campaign_id)) &&
        (!adgroupIds || adgroupIds.includes(x.adgroup_id)) &&
        (!ownIds || ownIds.includes(idOf(x))) &&
        (status === `${kind}_STATUS_ALL`
          ? true
          : status
            ? x.secondary_status === status
            : x.secondary_status !== `${kind}_STATUS_DELETE`),
    )
    .sort(newestFirst(idOf));
  return pageReply(ctx, all, l.q);
}

/**
 * report/integrated/get, synchronous BASIC report at ad level by day. Rows are computed for the
 * requested page only (ad × day by index), so large worlds answer as fast as small ones.
 */
function report(ctx: TikTokContext, req: SandboxRequest): SandboxResponse {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth.res;
  const adv = advertiserAccess(ctx, req, auth.advertiserIds);
  if (!adv.ok) return adv.res;
  const q = req.query;
  if (q['report_type'] !== 'BASIC') return reply(ctx.now(), 40002, 'report_type: Must be one of BASIC (sandbox).');
  if ((q['data_level'] ?? 'AUCTION_AD') !== 'AUCTION_AD')
    return reply(ctx.now(), 40002, 'data_level: Only AUCTION_AD is served by the sandbox.');
  const dims = stringList(q['dimensions'], 'dimensions');
  if (!dims.ok) return reply(ctx.now(), 40002, dims.message);
  if (!dims.value || [...dims.value].sort().join(',') !== 'ad_id,stat_time_day')
    return reply(ctx.now(), 40002, 'dimensions: Only ["ad_id","stat_time_day"] is served by the sandbox.');
  const mets = stringList(q['metrics'], 'metrics');
  if (!mets.ok) return reply(ctx.now(), 40002, mets.message);
  const metrics = mets.value ?? ['spend', 'impressions'];
  const bad = metrics.filter((m) => !REPORT_METRICS.includes(m));
  if (bad.length) return reply(ctx.now(), 40002, `metrics: Invalid metric(s): ${bad.join(', ')}.`);
  const w = ctx.world;
  const first = Date.parse(`${w.firstDay}T00:00:00Z`);
  let from = first;
  let to = first + (w.days - 1) * 86_400_000;
  if (q['query_lifetime'] !== 'true') {
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (!q['start_date'] || !q['end_date'])
      return reply(ctx.now(), 40002, 'start_date: Missing data for required field.');
    if (!day.test(q['start_date']) || !day.test(q['end_date']))
      return reply(ctx.now(), 40002, 'start_date/end_date: Not a valid date (YYYY-MM-DD).');
    if (q['start_date'] > q['end_date'])
      return reply(ctx.now(), 40002, 'end_date: Must not be earlier than start_date.');
    from = Math.max(from, Date.parse(`${q['start_date']}T00:00:00Z`));
    to = Math.min(to, Date.parse(`${q['end_date']}T00:00:00Z`));
  }
  const pg = paging(ctx, req);
  if ('status' in pg) return pg;
  const days = to < from ? 0 : Math.round((to - from) / 86_400_000) + 1;
  // Deleted ads keep their history in reports.
  const ads = w.ads
    .filter((a) => a.advertiser_id === adv.id && w.delivery.has(a.ad_id))
    .sort((a, b) => a.ad_id.localeCompare(b.ad_id));
  const currency = w.advertisers.find((a) => a.advertiser_id === adv.id)?.currency ?? 'USD';
  const major = (minor: number) => (currency === 'JPY' ? minor.toFixed(2) : (minor / 100).toFixed(2));
  const total = ads.length * days;
  const list: unknown[] = [];
  for (let i = (pg.page - 1) * pg.size; i < Math.min(total, pg.page * pg.size); i++) {
    const ad = ads[Math.floor(i / days)] as Ad;
    const date = isoDay(from + (i % days) * 86_400_000);
    const m = adDay(w, ad.ad_id, date);
    if (!m) continue;
    // Metric values are strings; "-" where a ratio has no denominator.
    const all: Record<string, string> = {
      spend: major(m.spendMinor),
      impressions: String(m.impressions),
      clicks: String(m.clicks),
      conversion: String(m.conversion),
      cpc: m.clicks ? major(m.spendMinor / m.clicks) : '-',
      cpm: major((m.spendMinor * 1000) / m.impressions),
      ctr: ((m.clicks / m.impressions) * 100).toFixed(2),
      cost_per_conversion: m.conversion ? major(m.spendMinor / m.conversion) : '-',
    };
    list.push({
      dimensions: { ad_id: ad.ad_id, stat_time_day: `${date} 00:00:00` },
      metrics: Object.fromEntries(metrics.map((k) => [k, all[k] ?? '-'])),
    });
  }
  return ok(ctx.now(), {
    list,
    page_info: { page: pg.page, page_size: pg.size, total_number: total, total_page: Math.ceil(total / pg.size) },
  });
}

export function entityRoutes(r: Router, ctx: TikTokContext): void {
  r.add('GET', '/open_api/:version/adgroup/get/', (req) => listRoute(ctx, req, ADGROUPS));
  r.add('GET', '/open_api/:version/ad/get/', (req) => listRoute(ctx, req, ADS));
  r.add('GET', '/open_api/:version/report/integrated/get/', (req) => report(ctx, req));
}
