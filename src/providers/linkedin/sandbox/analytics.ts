/**
 * Creatives and reporting: `GET /rest/adAccounts/{id}/creatives?q=criteria` (facets `campaigns`
 * and `intendedStatuses` as top-level `List(...)` params, cursor paging like the search finders)
 * and `GET /rest/adAnalytics?q=analytics` (one pivot, DAILY/MONTHLY/ALL, `dateRange` inclusive in
 * UTC days, ≤20 fields, no paging and at most 15,000 elements, empty rows left out). Daily numbers
 * are computed from (seed, creative, date): nothing is stored.
 */
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { cursorPage, pageOf, precheck } from './api.ts';
import type { LinkedInContext } from './context.ts';
import { apiError } from './errors.ts';
import { parseRestli, rawParam, RestliError, type RestliValue } from './restli.ts';
import { addDays } from '../../kit/account-time.ts';
import type { Creative, LinkedInWorld } from './world.ts';

export interface CreativeDay {
  impressions: number;
  clicks: number;
  /** Decimal string in major units with a long fraction, as LinkedIn sends cost. */
  costInLocalCurrency: string;
  externalWebsiteConversions: number;
}

const WEEKDAY = [0.6, 1.05, 1.1, 1.1, 1.05, 1, 0.65];
export const MAX_ELEMENTS = 15_000;
const MAX_FIELDS = 20;
const METRICS = ['impressions', 'clicks', 'costInLocalCurrency', 'externalWebsiteConversions'] as const;

/** Nanos (1e-9 of the unit) as a plain decimal string without trailing zeros. */
function nanosToDecimal(n: bigint): string {
  const whole = n / 1_000_000_000n;
  const frac = String(n % 1_000_000_000n)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** One creative's numbers on one UTC day; null when it did not deliver (LinkedIn leaves the row out). */
export function creativeDay(world: LinkedInWorld, creativeUrn: string, date: string): CreativeDay | null {
  const p = world.profiles.get(creativeUrn);
  const i = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${world.firstDay}T00:00:00Z`)) / 86_400_000);
  if (!p || i < 0 || i >= world.days) return null;
  const r = rngFor(world.seed, 'linkedin', 'analytics', creativeUrn, date);
  const impressions = Math.round(
    p.impressions * (WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? 1) * r.float(0.6, 1.4),
  );
  if (impressions === 0) return null;
  const clicks = Math.round(impressions * p.ctr * r.float(0.7, 1.3));
  const cost = BigInt(Math.round(((impressions * p.cpmNanos) / 1000) * r.float(0.9, 1.1)));
  return {
    impressions,
    clicks,
    costInLocalCurrency: nanosToDecimal(cost),
    externalWebsiteConversions: Math.round(clicks * p.conversionRate * r.float(0.5, 1.5)),
  };
}

/** Rows the world holds: delivering creative-days, all of them. */
export function metricRowCount(world: LinkedInWorld, live: (c: Creative) => boolean): number {
  let n = 0;
  for (const c of world.creatives) {
    if (!live(c)) continue;
    for (let i = 0; i < world.days; i++) if (creativeDay(world, c.id, addDays(world.firstDay, i))) n++;
  }
  return n;
}

function listParam(req: SandboxRequest, name: string): string[] | undefined {
  const raw = rawParam(req.url.search, name);
  if (raw === undefined) return undefined;
  const v = parseRestli(raw);
  if (!Array.isArray(v)) throw new RestliError(`${name} must be a List(...)`);
  return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

function dateOf(v: RestliValue | undefined): string {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new RestliError('dateRange needs start:(year:,month:,day:)');
  const [y, m, d] = [v['year'], v['month'], v['day']].map(Number);
  if (!y || !m || !d) throw new RestliError('dateRange needs year, month and day');
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ymd = (date: string) => ({
  year: Number(date.slice(0, 4)),
  month: Number(date.slice(5, 7)),
  day: Number(date.slice(8, 10)),
});

export function analyticsRoutes(r: Router, ctx: LinkedInContext): void {
  const bad = (msg: string): SandboxResponse =>
    apiError(400, 'ILLEGAL_ARGUMENT', `Invalid query parameters passed to request: ${msg}`);

  r.add('GET', '/rest/adAccounts/:id/creatives', (req) => {
    const pre = precheck(ctx, req, 'creatives');
    if (!pre.ok) return pre.res;
    const account = ctx.world.accounts.find((a) => String(a.id) === req.params['id']);
    if (!account) return apiError(403, 'ACCESS_DENIED', `Not enough permissions to access: ${req.path}`, 100);
    if (req.query['q'] !== 'criteria') return bad(`q (expected "criteria", got "${req.query['q'] ?? ''}")`);
    let campaigns: string[] | undefined;
    let statuses: string[] | undefined;
    try {
      campaigns = listParam(req, 'campaigns');
      statuses = listParam(req, 'intendedStatuses');
    } catch (err) {
      if (err instanceof RestliError) return bad(err.message);
      throw err;
    }
    const key = `creatives:${account.id}`;
    const raw = `${rawParam(req.url.search, 'campaigns') ?? ''}|${rawParam(req.url.search, 'intendedStatuses') ?? ''}`;
    const page = cursorPage(req, key, raw);
    if (!page.ok) return page.res;
    const urn = `urn:li:sponsoredAccount:${account.id}`;
    const all = ctx.world.creatives.filter(
      (c) =>
        c.account === urn &&
        (!campaigns || campaigns.includes(c.campaign)) &&
        (!statuses || statuses.includes(c.intendedStatus)),
    );
    return pageOf(all, page, key, raw);
  });

  r.add('GET', '/rest/adAccounts/:id/creatives/:urn', (req) => {
    const pre = precheck(ctx, req, 'creatives');
    if (!pre.ok) return pre.res;
    const c = ctx.world.creatives.find(
      (x) =>
        x.account === `urn:li:sponsoredAccount:${req.params['id'] ?? ''}` &&
        x.id === decodeURIComponent(req.params['urn'] ?? ''),
    );
    return c ? json(200, c) : apiError(404, 'NOT_FOUND', `creative ${req.params['urn'] ?? ''} does not exist`);
  });

  r.add('GET', '/rest/adAnalytics', (req) => {
    const pre = precheck(ctx, req, 'adAnalytics');
    if (!pre.ok) return pre.res;
    if (!pre.record.scopes.includes('r_ads_reporting'))
      return apiError(403, 'ACCESS_DENIED', 'Not enough permissions to access: adAnalytics.FINDER-analytics', 100);
    if (req.query['q'] !== 'analytics')
      return bad(`q (only "analytics" is served here, got "${req.query['q'] ?? ''}")`);
    // Both the documented plain form and Airbyte's `(value:X)` form are accepted.
    const unwrap = (v: string | undefined) => /^\(value:(\w+)\)$/.exec(v ?? '')?.[1] ?? v;
    const pivot = unwrap(req.query['pivot']);
    const granularity = unwrap(req.query['timeGranularity']);
    if (!pivot || !['CREATIVE', 'CAMPAIGN', 'CAMPAIGN_GROUP', 'ACCOUNT'].includes(pivot))
      return bad(`pivot ${pivot ?? '(missing)'}`);
    if (!granularity || !['DAILY', 'MONTHLY', 'ALL'].includes(granularity))
      return bad(`timeGranularity ${granularity ?? '(missing)'}`);
    const fields = (req.query['fields'] ?? '').split(',').filter(Boolean);
    if (fields.length > MAX_FIELDS) return bad(`fields (at most ${MAX_FIELDS})`);
    let since: string;
    let until: string;
    const facets: Record<string, string[] | undefined> = {};
    try {
      const range = parseRestli(rawParam(req.url.search, 'dateRange') ?? '');
      if (typeof range !== 'object' || Array.isArray(range)) throw new RestliError('dateRange must be a record');
      since = dateOf(range['start']);
      // No end means up to today.
      until = range['end'] ? dateOf(range['end']) : new Date(ctx.now()).toISOString().slice(0, 10);
      for (const f of ['accounts', 'campaignGroups', 'campaigns', 'creatives']) facets[f] = listParam(req, f);
    } catch (err) {
      if (err instanceof RestliError) return bad(err.message);
      throw err;
    }
    if (!Object.values(facets).some(Boolean))
      return bad('one of accounts, campaignGroups, campaigns, creatives is required');
    const w = ctx.world;
    const campaignOf = new Map(w.campaigns.map((c) => [`urn:li:sponsoredCampaign:${c.id}`, c]));
    const buckets = new Map<
      string,
      { start: string; end: string; pivot: string; m: Record<(typeof METRICS)[number], bigint> }
    >();
    for (const c of w.creatives) {
      const campaign = campaignOf.get(c.campaign);
      const keys = {
        accounts: c.account,
        campaignGroups: campaign?.campaignGroup,
        campaigns: c.campaign,
        creatives: c.id,
      };
      if (!Object.entries(facets).every(([f, vals]) => !vals || vals.includes(keys[f as keyof typeof keys] ?? '')))
        continue;
      const pivotValue =
        pivot === 'CREATIVE'
          ? c.id
          : pivot === 'CAMPAIGN'
            ? c.campaign
            : pivot === 'CAMPAIGN_GROUP'
              ? (campaign?.campaignGroup ?? '')
              : c.account;
      for (let d = since; d <= until; d = addDays(d, 1)) {
        const day = creativeDay(w, c.id, d);
        if (!day) continue;
        const [start, end] =
          granularity === 'DAILY'
            ? [d, d]
            : granularity === 'MONTHLY'
              ? [d.slice(0, 8) + '01', d.slice(0, 7)]
              : [since, until];
        const key = `${pivotValue}|${start}`;
        let b = buckets.get(key);
        if (!b) {
          const monthEnd = addDays(`${addDays(`${start.slice(0, 8)}28`, 4).slice(0, 8)}01`, -1);
          b = {
            start,
            end: granularity === 'MONTHLY' ? (monthEnd < until ? monthEnd : until) : end,
            pivot: pivotValue,
            m: { impressions: 0n, clicks: 0n, costInLocalCurrency: 0n, externalWebsiteConversions: 0n },
          };
          buckets.set(key, b);
        }
        b.m.impressions += BigInt(day.impressions);
        b.m.clicks += BigInt(day.clicks);
        b.m.externalWebsiteConversions += BigInt(day.externalWebsiteConversions);
        const [whole = '0', frac = ''] = day.costInLocalCurrency.split('.');
        b.m.costInLocalCurrency += BigInt(whole) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
      }
    }
    const elements = [...buckets.values()].slice(0, MAX_ELEMENTS).map((b) => {
      const row: Record<string, unknown> = {};
      if (fields.includes('dateRange')) row['dateRange'] = { start: ymd(b.start), end: ymd(b.end) };
      if (fields.includes('pivotValues')) row['pivotValues'] = [b.pivot];
      for (const f of METRICS)
        if (fields.includes(f)) row[f] = f === 'costInLocalCurrency' ? nanosToDecimal(b.m[f]) : Number(b.m[f]);
      return row;
    });
    return json(200, { paging: { start: 0, count: 10, links: [] }, elements });
  });
}
