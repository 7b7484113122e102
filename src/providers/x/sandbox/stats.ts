/**
 * X analytics shared by the synchronous endpoint (`GET /12/stats/accounts/:account_id`, ≤7
 * days) and the asynchronous jobs (stats-jobs.ts, ≤90 days, ≤45 segmented): parameter checks
 * and the `{data_type, time_series_length, data: [{id, id_data: [{segment, metrics}]}]}` body,
 * metric values as arrays per time bucket, or null when the range saw no activity (ads.md §5.5).
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { addDays, daysBetween, localParts, offsetMinutes } from '../../kit/account-time.ts';
import { adsError, type Guard } from './envelope.ts';
import type { XContext } from './context.ts';
import type { Account, XWorld } from './world.ts';

type StatMetric =
  'impressions' | 'clicks' | 'url_clicks' | 'engagements' | 'billed_charge_local_micro' | 'billed_engagements';
const GROUPS = ['ENGAGEMENT', 'BILLING', 'VIDEO', 'WEB_CONVERSION', 'MEDIA'];
export const REQUIRED_STATS_PARAMS = [
  'entity',
  'entity_ids',
  'start_time',
  'end_time',
  'granularity',
  'metric_groups',
  'placement',
] as const;

/** One promoted tweet's numbers on one account-local date, from (seed, id, date); null outside the window. */
export function promotedTweetDay(world: XWorld, id: string, date: string): Record<StatMetric, number> | null {
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

export type StatsCheck =
  | { ok: true; days: number; dates: string[]; ids: string[]; granularity: 'DAY' | 'TOTAL'; groups: string[] }
  | { ok: false; res: SandboxResponse };

/** Validates a stats request the way both endpoints do; `maxDays` is the endpoint's range limit. */
export function checkStatsParams(
  ctx: XContext,
  account: Account | undefined,
  p: Record<string, string>,
  maxDays: number,
  what: string,
): StatsCheck {
  const echo = { ...p, account_id: account?.id };
  const bad = (msg: string, parameter: string): StatsCheck => ({
    ok: false,
    res: adsError(400, 'INVALID_PARAMETER', msg, echo, { parameter }),
  });
  for (const k of REQUIRED_STATS_PARAMS) {
    if (!p[k])
      return { ok: false, res: adsError(400, 'MISSING_PARAMETER', `"${k}" is missing`, echo, { parameter: k }) };
  }
  if (p['entity'] !== 'PROMOTED_TWEET')
    return bad(`entity ${p['entity']} is not simulated; use PROMOTED_TWEET`, 'entity');
  const ids = (p['entity_ids'] ?? '').split(',');
  if (ids.length > 20) return bad('Expected at most 20 entity_ids', 'entity_ids');
  const granularity = p['granularity'];
  if (granularity !== 'DAY' && granularity !== 'TOTAL')
    return bad(`granularity ${granularity} is not simulated; use DAY or TOTAL`, 'granularity');
  const groups = (p['metric_groups'] ?? '').split(',');
  if (groups.some((g) => !GROUPS.includes(g)))
    return bad(`Invalid metric_groups ${p['metric_groups']}`, 'metric_groups');
  if (!['ALL_ON_TWITTER', 'SPOTLIGHT', 'TREND', 'PUBLISHER_NETWORK'].includes(p['placement'] ?? ''))
    return bad(`Invalid placement ${p['placement']}`, 'placement');
  const tz = account?.timezone ?? 'UTC';
  const [start, end] = [Date.parse(p['start_time'] ?? ''), Date.parse(p['end_time'] ?? '')];
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start)
    return bad('Expected time range start_time < end_time', 'start_time');
  if (start % 3_600_000 !== 0 || end % 3_600_000 !== 0)
    return bad('start_time and end_time must be whole hours', 'start_time');
  // DAY buckets start at the account's midnight, reckoned with today's offset for the whole range (ads.md §5.5).
  const shift = offsetMinutes(tz, ctx.now()) * 60_000;
  const [from, to] = [localParts('UTC', start + shift), localParts('UTC', end + shift)];
  if (granularity === 'DAY' && (from.hour !== 0 || to.hour !== 0))
    return bad(
      `start_time and end_time must be midnight in the account time zone (${tz}) for DAY granularity`,
      'start_time',
    );
  const days = Math.max(1, daysBetween(from.date, to.date));
  if (days > maxDays) return bad(`Time range for ${what} is at most ${maxDays} days`, 'end_time');
  return {
    ok: true,
    days,
    dates: Array.from({ length: days }, (_, i) => addDays(from.date, i)),
    ids,
    granularity,
    groups,
  };
}

/** The stats body for checked params, computed from the world as it is now. */
export function statsBody(
  ctx: XContext,
  account: Account | undefined,
  q: Extract<StatsCheck, { ok: true }>,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const names = [
    ...(q.groups.includes('ENGAGEMENT') ? ['impressions', 'clicks', 'url_clicks', 'engagements'] : []),
    ...(q.groups.includes('BILLING') ? ['billed_charge_local_micro', 'billed_engagements'] : []),
  ] as StatMetric[];
  const data = q.ids.map((id) => {
    const known = ctx.world.promotedTweets.some((x) => x.id === id && x.account_id === account?.id);
    const per = q.dates.map((d) => (known ? promotedTweetDay(ctx.world, id, d) : null));
    const metrics: Record<string, number[] | null> = {};
    for (const n of names) {
      // A metric without any activity in the range is null, not zeros.
      const values = per.map((m) => m?.[n] ?? 0);
      const series = q.granularity === 'TOTAL' ? [values.reduce((a, b) => a + b, 0)] : values;
      metrics[n] = series.some((v) => v !== 0) ? series : null;
    }
    return { id, id_data: [{ segment: null, metrics }] };
  });
  return { data_type: 'stats', time_series_length: q.granularity === 'TOTAL' ? 1 : q.days, data, request: { params } };
}

/** `GET /:version/stats/accounts/:account_id`: synchronous analytics, at most 7 days per call. */
export function syncStatsRoute(r: Router, ctx: XContext, guard: Guard): void {
  r.add(
    'GET',
    '/:version/stats/accounts/:account_id',
    guard('analytics', 'stats', (_req: SandboxRequest, p, account) => {
      const q = checkStatsParams(ctx, account, p, 7, 'synchronous analytics');
      if (!q.ok) return q.res;
      return json(200, statsBody(ctx, account, q, { ...p, account_id: account?.id }));
    }),
  );
}
