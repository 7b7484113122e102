/**
 * X Ads API reads (`/12/accounts`, `/12/accounts/:account_id`, `/12/accounts/:account_id/campaigns`)
 * behind OAuth 1.0a verification, with `count`/`cursor` paging (`next_cursor` null at the end),
 * the `{data, next_cursor, request: {params}}` envelope and x-rate-limit-* (plus account-level
 * x-account-rate-limit-* on account GETs) headers on every response. Also funding instruments,
 * line items, promoted tweets and synchronous stats (`/12/stats/accounts/:account_id`, DAY or
 * TOTAL, ≤20 entity_ids, ≤7 days, metric values as arrays per bucket).
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { XContext } from './context.ts';
import type { OAuthFlow } from './oauth.ts';
import { addDays, daysBetween, localParts, offsetMinutes } from '../../kit/account-time.ts';
import type { Account, Campaign, LineItem, PromotedTweet, XWorld } from './world.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';

export const WINDOW_MS = 15 * 60_000;
export const LIMITS = { globalReads: 2000, accountReads: 10_000 } as const;

interface Bucket {
  used: number;
  resetAt: number;
}

/** Per-token and per-account 15-minute windows. */
export class RateMeter {
  #buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  take(key: string, limit: number): { limit: number; remaining: number; reset: number; exceeded: boolean } {
    const now = this.now();
    let b = this.#buckets.get(key);
    if (!b || now >= b.resetAt) {
      b = { used: 0, resetAt: now + WINDOW_MS };
      this.#buckets.set(key, b);
    }
    b.used++;
    return { limit, remaining: Math.max(0, limit - b.used), reset: Math.floor(b.resetAt / 1000), exceeded: b.used > limit };
  }

  clear(): void {
    this.#buckets.clear();
  }
}

export function adsError(status: number, code: string, message: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): SandboxResponse {
  return json(status, { errors: [{ code, message, ...extra }], request: { params } });
}

function paramsOf(req: SandboxRequest): Record<string, string> {
  return { ...req.query, ...Object.fromEntries(Object.entries(req.body).filter(([, v]) => typeof v === 'string')) } as Record<string, string>;
}

function boolParam(p: Record<string, string>, key: string): boolean | undefined | 'invalid' {
  const v = p[key];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return 'invalid';
}

type PageResult = { ok: true; page: unknown[]; next: string | null; total: number } | { ok: false; res: SandboxResponse };

function paginate(items: readonly unknown[], p: Record<string, string>, echo: Record<string, unknown>): PageResult {
  const count = p['count'] === undefined ? 200 : Number(p['count']);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    return { ok: false, res: adsError(400, 'INVALID_PARAMETER', `Expected integer in range [1, 1000], got "${p['count']}" for count`, echo, { parameter: 'count' }) };
  }
  if (p['with_total_count'] === 'true' && p['cursor'] !== undefined) {
    return { ok: false, res: adsError(400, 'EXCLUSIVE_PARAMETERS', 'with_total_count and cursor are exclusive', echo, { parameters: ['with_total_count', 'cursor'] }) };
  }
  let offset = 0;
  if (p['cursor'] !== undefined) {
    const m = /^c-([0-9a-z]+)$/.exec(p['cursor']);
    if (!m?.[1]) return { ok: false, res: adsError(400, 'INVALID_PARAMETER', `Invalid cursor "${p['cursor']}"`, echo, { parameter: 'cursor' }) };
    offset = parseInt(m[1], 36);
  }
  const page = items.slice(offset, offset + count);
  const next = offset + count < items.length ? `c-${(offset + count).toString(36)}` : null;
  return { ok: true, page, next, total: items.length };
}

function sortItems<T extends object>(items: T[], sortBy: string | undefined): T[] | undefined {
  if (!sortBy) return items;
  const m = /^(created_at|updated_at|name|id)-(asc|desc)$/.exec(sortBy);
  if (!m?.[1]) return undefined;
  const key = m[1];
  const dir = m[2] === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = String((a as Record<string, unknown>)[key]);
    const y = String((b as Record<string, unknown>)[key]);
    return x < y ? -dir : x > y ? dir : 0;
  });
}

function publicAccount(a: Account): Record<string, unknown> {
  const { currency: _c, ...rest } = a;
  return rest;
}

export function apiRoutes(r: Router, ctx: XContext, flow: OAuthFlow, meter: RateMeter): void {
  /** Verify, meter, then run; the headers go on every answer, errors included. */
  const guarded = (family: 'globalReads' | 'accountReads', endpoint: string, handler: (req: SandboxRequest, p: Record<string, string>, account: Account | undefined) => SandboxResponse) => (req: SandboxRequest): SandboxResponse => {
    const p = paramsOf(req);
    const v = flow.check(req, flow.accessSecret);
    if (!v.ok) return adsError(401, 'UNAUTHORIZED_ACCESS', 'This request is not properly authenticated', p);
    const token = v.signed.oauth['oauth_token'] ?? '';
    const userRate = meter.take(`${token}|${req.method}|${endpoint}`, LIMITS[family]);
    const headers: Record<string, string> = {
      'x-rate-limit-limit': String(userRate.limit),
      'x-rate-limit-remaining': String(userRate.remaining),
      'x-rate-limit-reset': String(userRate.reset),
    };
    let account: Account | undefined;
    let exceeded = userRate.exceeded;
    const accountId = req.params['account_id'];
    if (accountId !== undefined) {
      account = ctx.world.accounts.find((a) => a.id === accountId);
      if (!account) return withHeaders(adsError(404, 'NOT_FOUND', `Account ${accountId} was not found`, { ...p, account_id: accountId }), headers);
      if (req.method === 'GET') {
        const acct = meter.take(`account|${accountId}|${endpoint}`, LIMITS[family]);
        headers['x-account-rate-limit-limit'] = String(acct.limit);
        headers['x-account-rate-limit-remaining'] = String(acct.remaining);
        headers['x-account-rate-limit-reset'] = String(acct.reset);
        exceeded ||= acct.exceeded;
      }
    }
    if (exceeded && ctx.config.enforceRateLimits) return withHeaders(adsError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded', p), headers);
    return withHeaders(handler(req, p, account), headers);
  };

  r.add('GET', '/:version/accounts', guarded('globalReads', 'accounts', (_req, p) => {
    const ids = p['account_ids']?.split(',');
    const withDeleted = boolParam(p, 'with_deleted');
    if (withDeleted === 'invalid') return adsError(400, 'INVALID_PARAMETER', `Expected boolean, got "${p['with_deleted']}" for with_deleted`, p, { parameter: 'with_deleted' });
    const filtered = ctx.world.accounts.filter((a) => (!ids || ids.includes(a.id)) && (withDeleted === true || !a.deleted));
    const sorted = sortItems(filtered, p['sort_by']);
    if (!sorted) return adsError(400, 'INVALID_PARAMETER', `Invalid sort_by "${p['sort_by']}"`, p, { parameter: 'sort_by' });
    const pg = paginate(sorted, p, p);
    if (!pg.ok) return pg.res;
    return json(200, {
      request: { params: p },
      ...(p['with_total_count'] === 'true' ? { total_count: pg.total } : {}),
      next_cursor: pg.next,
      data: pg.page.map((a) => publicAccount(a as Account)),
    });
  }));

  entityRoutes(r, ctx, (endpoint, h) => guarded('accountReads', endpoint, h));

  r.add('GET', '/:version/accounts/:account_id', guarded('accountReads', 'account', (_req, p, account) =>
    json(200, { request: { params: { ...p, account_id: account?.id } }, data: account ? publicAccount(account) : null }),
  ));

}

const STAT_METRICS = ['impressions', 'clicks', 'url_clicks', 'engagements', 'billed_charge_local_micro', 'billed_engagements'] as const;

/** One promoted tweet's numbers on one account-local date, from (seed, id, date); null outside the window. */
export function promotedTweetDay(world: XWorld, id: string, date: string): Record<(typeof STAT_METRICS)[number], number> | null {
  const p = world.profiles.get(id);
  const i = daysBetween(world.firstDay, date);
  if (!p || i < 0 || i >= world.days) return null;
  const r = rngFor(world.seed, 'x', 'metrics', id, date);
  const impressions = Math.round(p.impressions * r.float(0.7, 1.3));
  const clicks = Math.round(impressions * p.ctr * r.float(0.8, 1.2));
  const engagements = clicks + Math.round(impressions * r.float(0.002, 0.01));
  return {
    impressions,
    clicks,
    url_clicks: Math.round(clicks * r.float(0.5, 0.9)),
    engagements,
    billed_charge_local_micro: Math.round(((impressions * p.cpmMicro) / 1000) * r.float(0.9, 1.1)),
    billed_engagements: engagements,
  };
}

export function entityRoutes(r: Router, ctx: XContext, guard: (endpoint: string, h: (req: SandboxRequest, p: Record<string, string>, account: Account | undefined) => SandboxResponse) => (req: SandboxRequest) => SandboxResponse): void {
  const lister = <T extends { id: string; account_id: string; deleted: boolean }>(endpoint: string, idsParam: string, items: () => T[], draft: (x: T) => boolean) =>
    guard(endpoint, (_req, p, account) => {
      const echo = { ...p, account_id: account?.id };
      const ids = p[idsParam]?.split(',');
      if (ids && ids.length > 200) return adsError(400, 'INVALID_PARAMETER', `Expected at most 200 ${idsParam}`, echo, { parameter: idsParam });
      const withDeleted = boolParam(p, 'with_deleted');
      const withDraft = boolParam(p, 'with_draft');
      if (withDeleted === 'invalid' || withDraft === 'invalid') return adsError(400, 'INVALID_PARAMETER', 'Expected boolean for with_deleted / with_draft', echo);
      const parents = Object.entries(p).filter(([k]) => k === 'campaign_ids' || k === 'line_item_ids').filter(([k]) => k !== idsParam);
      const filtered = items().filter((x) =>
        x.account_id === account?.id &&
        (!ids || ids.includes(x.id)) &&
        parents.every(([k, v]) => v.split(',').includes(String((x as Record<string, unknown>)[k === 'campaign_ids' ? 'campaign_id' : 'line_item_id']))) &&
        (withDeleted === true || !x.deleted || (ids?.includes(x.id) ?? false)) &&
        (withDraft === true || !draft(x)),
      );
      const sorted = sortItems(filtered, p['sort_by']);
      if (!sorted) return adsError(400, 'INVALID_PARAMETER', `Invalid sort_by "${p['sort_by']}"`, echo, { parameter: 'sort_by' });
      const pg = paginate(sorted, p, echo);
      if (!pg.ok) return pg.res;
      return json(200, {
        request: { params: echo },
        ...(p['with_total_count'] === 'true' ? { total_count: pg.total } : {}),
        next_cursor: pg.next,
        data: (pg.page as T[]).map(({ account_id: _a, ...x }) => x),
      });
    });

  r.add('GET', '/:version/accounts/:account_id/funding_instruments', guard('funding_instruments', (_req, p, account) => {
    const ids = new Set(ctx.world.campaigns.filter((c) => c.account_id === account?.id).map((c) => c.funding_instrument_id));
    const data = [...ids].map((id) => ({ id, account_id: account?.id, type: 'CREDIT_CARD', currency: account?.currency, entity_status: 'ACTIVE', description: 'Visa ending in 4242', able_to_fund: true, deleted: false }));
    return json(200, { request: { params: { ...p, account_id: account?.id } }, next_cursor: null, data });
  }));
  r.add('GET', '/:version/accounts/:account_id/campaigns', lister<Campaign>('campaigns', 'campaign_ids', () => ctx.world.campaigns, (x) => x.entity_status === 'DRAFT'));
  r.add('GET', '/:version/accounts/:account_id/line_items', lister<LineItem>('line_items', 'line_item_ids', () => ctx.world.lineItems, (x) => x.entity_status === 'DRAFT'));
  r.add('GET', '/:version/accounts/:account_id/promoted_tweets', lister<PromotedTweet>('promoted_tweets', 'promoted_tweet_ids', () => ctx.world.promotedTweets, () => false));

  r.add('GET', '/:version/stats/accounts/:account_id', guard('stats', (_req, p, account) => {
    const echo = { ...p, account_id: account?.id };
    const bad = (msg: string, parameter: string) => adsError(400, 'INVALID_PARAMETER', msg, echo, { parameter });
    for (const k of ['entity', 'entity_ids', 'start_time', 'end_time', 'granularity', 'metric_groups', 'placement']) {
      if (!p[k]) return adsError(400, 'MISSING_PARAMETER', `"${k}" is missing`, echo, { parameter: k });
    }
    if (p['entity'] !== 'PROMOTED_TWEET') return bad(`entity ${p['entity']} is not simulated; use PROMOTED_TWEET`, 'entity');
    const ids = (p['entity_ids'] ?? '').split(',');
    if (ids.length > 20) return bad('Expected at most 20 entity_ids', 'entity_ids');
    const granularity = p['granularity'];
    if (granularity !== 'DAY' && granularity !== 'TOTAL') return bad(`granularity ${granularity} is not simulated; use DAY or TOTAL`, 'granularity');
    const groups = (p['metric_groups'] ?? '').split(',');
    if (groups.some((g) => !['ENGAGEMENT', 'BILLING', 'VIDEO', 'WEB_CONVERSION', 'MEDIA'].includes(g))) return bad(`Invalid metric_groups ${p['metric_groups']}`, 'metric_groups');
    const tz = account?.timezone ?? 'UTC';
    const [start, end] = [Date.parse(p['start_time'] ?? ''), Date.parse(p['end_time'] ?? '')];
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return bad('Expected time range start_time < end_time', 'start_time');
    if (start % 3_600_000 !== 0 || end % 3_600_000 !== 0) return bad('start_time and end_time must be whole hours', 'start_time');
    // DAY buckets start at the account's midnight, reckoned with today's offset for the whole range (ads.md §5.5).
    const shift = offsetMinutes(tz, ctx.now()) * 60_000;
    const [from, to] = [localParts('UTC', start + shift), localParts('UTC', end + shift)];
    if (granularity === 'DAY' && (from.hour !== 0 || to.hour !== 0)) return bad(`start_time and end_time must be midnight in the account time zone (${tz}) for DAY granularity`, 'start_time');
    const days = Math.max(1, daysBetween(from.date, to.date));
    if (days > 7) return bad('Time range for synchronous analytics is at most 7 days', 'end_time');
    const dates = Array.from({ length: days }, (_, i) => addDays(from.date, i));
    const names = [...(groups.includes('ENGAGEMENT') ? ['impressions', 'clicks', 'url_clicks', 'engagements'] : []), ...(groups.includes('BILLING') ? ['billed_charge_local_micro', 'billed_engagements'] : [])] as (typeof STAT_METRICS)[number][];
    const data = ids.map((id) => {
      const known = ctx.world.promotedTweets.some((x) => x.id === id && x.account_id === account?.id);
      const per = dates.map((d) => (known ? promotedTweetDay(ctx.world, id, d) : null));
      const metrics: Record<string, number[] | null> = {};
      for (const n of names) {
        // A metric without any activity in the range is null, not zeros.
        const values = per.map((m) => m?.[n] ?? 0);
        const series = granularity === 'TOTAL' ? [values.reduce((a, b) => a + b, 0)] : values;
        metrics[n] = series.some((v) => v !== 0) ? series : null;
      }
      return { id, id_data: [{ segment: null, metrics }] };
    });
    return json(200, { data_type: 'stats', time_series_length: granularity === 'TOTAL' ? 1 : days, data, request: { params: echo } });
  }));
}

function withHeaders(res: SandboxResponse, headers: Record<string, string>): SandboxResponse {
  return { ...res, headers: { ...headers, ...res.headers } };
}
