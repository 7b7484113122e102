/**
 * `GET /v1/{adaccounts|campaigns|adsquads|ads}/{id}/stats` (ads.md §6.5): TOTAL or DAY
 * granularity, DAY windows aligned to the ad account's local midnight (at most 31 days),
 * `fields`, `breakdown=campaign|adsquad|ad` and `omit_empty`. HOUR and LIFETIME are not simulated.
 */
import type { Router } from '../../../sandbox/kit/server.ts';
import { addDays, daysBetween, localMidnightIso, localParts } from '../../kit/account-time.ts';
import { snapError, success, type Guard, type SnapContext } from './context.ts';
import { STAT_FIELDS, sumStats, type SnapStats } from './metrics.ts';
import type { Ad, AdAccount } from './world.ts';

type Level = 'adaccounts' | 'campaigns' | 'adsquads' | 'ads';
type Breakdown = 'campaign' | 'adsquad' | 'ad';

const TYPE: Record<Level | Breakdown, string> = {
  adaccounts: 'AD_ACCOUNT',
  campaigns: 'CAMPAIGN',
  adsquads: 'AD_SQUAD',
  ads: 'AD',
  campaign: 'CAMPAIGN',
  adsquad: 'AD_SQUAD',
  ad: 'AD',
};
/** Which breakdowns lie below each level. */
const BELOW: Record<Level, readonly Breakdown[]> = {
  adaccounts: ['campaign', 'adsquad', 'ad'],
  campaigns: ['adsquad', 'ad'],
  adsquads: ['ad'],
  ads: [],
};
const MAX_DAY_RANGE = 31;

interface Node {
  id: string;
  account: AdAccount;
  ads: Ad[];
}

export function statsRoutes(r: Router, ctx: SnapContext, guard: Guard): void {
  const w = () => ctx.world;
  const live = <T extends { deleted?: boolean }>(xs: T[]) => xs.filter((x) => !x.deleted);
  const accountOf = (id: string | undefined) => w().accounts.find((a) => a.id === id);
  const campaignNode = (id: string): Node | undefined => {
    const c = live(w().campaigns).find((x) => x.id === id);
    const account = accountOf(c?.ad_account_id);
    if (!c || !account) return undefined;
    const squads = new Set(
      live(w().adsquads)
        .filter((q) => q.campaign_id === c.id)
        .map((q) => q.id),
    );
    return { id: c.id, account, ads: live(w().ads).filter((a) => squads.has(a.ad_squad_id)) };
  };
  const squadNode = (id: string): Node | undefined => {
    const q = live(w().adsquads).find((x) => x.id === id);
    const account = accountOf(w().campaigns.find((c) => c.id === q?.campaign_id)?.ad_account_id);
    if (!q || !account) return undefined;
    return { id: q.id, account, ads: live(w().ads).filter((a) => a.ad_squad_id === q.id) };
  };
  const adNode = (id: string): Node | undefined => {
    const ad = live(w().ads).find((x) => x.id === id);
    const parent = ad ? squadNode(ad.ad_squad_id) : undefined;
    return ad && parent ? { id: ad.id, account: parent.account, ads: [ad] } : undefined;
  };
  const accountNode = (id: string): Node | undefined => {
    const account = accountOf(id);
    if (!account) return undefined;
    const campaigns = live(w().campaigns)
      .filter((c) => c.ad_account_id === id)
      .map((c) => c.id);
    return { id, account, ads: campaigns.flatMap((c) => campaignNode(c)?.ads ?? []) };
  };
  const find: Record<Level, (id: string) => Node | undefined> = {
    adaccounts: accountNode,
    campaigns: campaignNode,
    adsquads: squadNode,
    ads: adNode,
  };
  const children = (node: Node, by: Breakdown): Node[] => {
    if (by === 'ad') return node.ads.map((a) => ({ id: a.id, account: node.account, ads: [a] }));
    const squadIds = new Set(node.ads.map((a) => a.ad_squad_id));
    if (by === 'adsquad') return [...squadIds].flatMap((id) => squadNode(id) ?? []);
    const campaignIds = new Set(
      w()
        .adsquads.filter((q) => squadIds.has(q.id))
        .map((q) => q.campaign_id),
    );
    return [...campaignIds].flatMap((id) => campaignNode(id) ?? []);
  };

  for (const level of ['adaccounts', 'campaigns', 'adsquads', 'ads'] as const) {
    r.add(
      'GET',
      `/v1/${level}/:id/stats`,
      guard((req) => {
        const node = find[level](req.params['id'] ?? '');
        if (!node) return snapError(404, `${TYPE[level]} ${req.params['id'] ?? ''} not found`);
        const tz = node.account.timezone;
        const granularity = req.query['granularity'] ?? 'TOTAL';
        if (granularity !== 'TOTAL' && granularity !== 'DAY')
          return snapError(400, `granularity ${granularity} is not supported here; use TOTAL or DAY`);
        const fields = (req.query['fields'] ?? 'impressions,swipes,spend')
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
        const unknown = fields.find((f) => !(STAT_FIELDS as readonly string[]).includes(f));
        if (unknown) return snapError(400, `Invalid stats field: ${unknown}`);
        const breakdown = req.query['breakdown'] as Breakdown | undefined;
        if (breakdown !== undefined && !BELOW[level].includes(breakdown))
          return snapError(400, `Invalid breakdown ${String(breakdown)} for ${TYPE[level]}`);

        // The window as account-local dates [from, to).
        const lastDay = addDays(w().firstDay, w().days - 1);
        let from = w().firstDay;
        let to = addDays(lastDay, 1);
        for (const [key, set] of [
          ['start_time', (d: string) => (from = d)],
          ['end_time', (d: string) => (to = d)],
        ] as const) {
          const raw = req.query[key];
          if (raw === undefined) {
            if (granularity === 'DAY') return snapError(400, `${key} is required for DAY granularity`);
            continue;
          }
          const ms = Date.parse(raw);
          if (Number.isNaN(ms)) return snapError(400, `Invalid ${key}: ${raw}`);
          const local = localParts(tz, ms);
          if (granularity === 'DAY' && (local.hour !== 0 || local.minute !== 0 || local.second !== 0)) {
            return snapError(
              400,
              `${key} must be aligned to the ad account's local midnight (${tz}) for DAY granularity`,
            );
          }
          set(local.date);
        }
        const span = daysBetween(from, to);
        if (span <= 0) return snapError(400, 'end_time must be after start_time');
        if (granularity === 'DAY' && span > MAX_DAY_RANGE)
          return snapError(400, `DAY granularity allows at most ${MAX_DAY_RANGE} days per request`);
        const dates = Array.from({ length: span }, (_, i) => addDays(from, i));
        const pick = (s: SnapStats) => Object.fromEntries(fields.map((f) => [f, s[f as keyof SnapStats]]));
        const sum = (n: Node, ds: readonly string[]) => sumStats(w(), n.ads, ds);
        const bounds = { start_time: localMidnightIso(from, tz), end_time: localMidnightIso(to, tz) };
        const body = (n: Node, type: string): Record<string, unknown> =>
          granularity === 'TOTAL'
            ? { id: n.id, type, granularity, ...bounds, stats: pick(sum(n, dates)) }
            : {
                id: n.id,
                type,
                granularity,
                ...bounds,
                timeseries: dates.map((d) => ({
                  start_time: localMidnightIso(d, tz),
                  end_time: localMidnightIso(addDays(d, 1), tz),
                  stats: pick(sum(n, [d])),
                })),
              };
        const top: Record<string, unknown> = body(node, TYPE[level]);
        // Data before yesterday is final; later days may still move.
        top['finalized_data_end_time'] = localMidnightIso(lastDay, tz);
        if (breakdown) {
          let parts = children(node, breakdown);
          if (req.query['omit_empty'] === 'true')
            parts = parts.filter((p) => STAT_FIELDS.some((f) => sum(p, dates)[f] !== 0));
          delete top['timeseries'];
          delete top['stats'];
          top['breakdown_stats'] = { [breakdown]: parts.map((p) => body(p, TYPE[breakdown])) };
        }
        return granularity === 'TOTAL'
          ? success({ total_stats: [{ sub_request_status: 'SUCCESS', total_stat: top }] })
          : success({ timeseries_stats: [{ sub_request_status: 'SUCCESS', timeseries_stat: top }] });
      }),
    );
  }
}
