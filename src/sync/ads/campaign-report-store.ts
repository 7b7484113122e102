import type { Queryable } from '../../db/pool.ts';
import type { AdLevel } from '../../providers/contracts/ads.ts';
import { firstRow } from '../../db/first-row.ts';

/** A campaign addressed as the API's ids name it: its connection and platform id. */
export interface CampaignRef {
  connectionId: string;
  platformId: string;
}

export interface CampaignSummary {
  name: string | null;
  currency: string | null;
  provider: string;
}

export interface CampaignDay {
  date: string;
  currency: string | null;
  impressions: number;
  clicks: number;
  spend_micros: string;
  conversions: number;
}

/** A day's numbers as a revision keeps them (as the platform reported them, nulls included). */
export interface MetricValues {
  impressions: number | null;
  clicks: number | null;
  spend_micros: number | null;
  conversions: number | null;
}

export interface CampaignRevision {
  id: string;
  level: AdLevel;
  platform_id: string;
  name: string | null;
  date: string;
  previous: MetricValues;
  current: MetricValues;
  changed_at: Date;
}

/**
 * The entities whose metric rows make up a campaign's numbers. Platforms report at different
 * levels (Meta per ad, others per campaign), so the campaign's own rows count where there are
 * any, else its ad groups', else its ads' — one level only, so nothing is counted twice.
 */
const SOURCES = `
  sources as (
    select 'campaign' as level, $3::text as platform_id, 1 as rank
    union all
    select 'ad_group', g.platform_id, 2 from ad_entities g
      where g.org_id = $1 and g.connection_id = $2 and g.level = 'ad_group' and g.parent_platform_id = $3
    union all
    select 'ad', a.platform_id, 3 from ad_entities a join ad_entities g
        on g.org_id = a.org_id and g.connection_id = a.connection_id and g.level = 'ad_group' and g.platform_id = a.parent_platform_id
      where a.org_id = $1 and a.connection_id = $2 and a.level = 'ad' and g.parent_platform_id = $3
  ),
  chosen as (
    select s.level, s.platform_id from sources s
    where s.rank = (select min(s2.rank) from sources s2 join ad_metrics_daily m
      on m.org_id = $1 and m.connection_id = $2 and m.level = s2.level and m.platform_id = s2.platform_id)
  )`;

/** The campaign if the org has it; null otherwise (another org's campaign reads as absent). */
export async function findCampaign(c: Queryable, orgId: string, ref: CampaignRef): Promise<CampaignSummary | null> {
  return (
    (await firstRow<CampaignSummary>(
      c,
      `select e.name, e.currency, k.provider from ad_entities e join connections k on k.org_id = e.org_id and k.id = e.connection_id
     where e.org_id = $1 and e.connection_id = $2 and e.level = 'campaign' and e.platform_id = $3`,
      [orgId, ref.connectionId, ref.platformId],
    )) ?? null
  );
}

/** The campaign's numbers per day (and currency) between two dates, oldest first. */
export async function campaignDailyMetrics(
  c: Queryable,
  orgId: string,
  ref: CampaignRef,
  since: string,
  until: string,
): Promise<CampaignDay[]> {
  // Sums of bigints arrive as text.
  const { rows } = await c.query<Omit<CampaignDay, 'impressions' | 'clicks'> & { impressions: string; clicks: string }>(
    `with ${SOURCES}
     select m.date::text as date, m.currency, sum(m.impressions)::bigint as impressions, sum(m.clicks)::bigint as clicks,
            sum(m.spend_micros)::text as spend_micros, sum(m.conversions)::float8 as conversions
     from ad_metrics_daily m join chosen s on m.level = s.level and m.platform_id = s.platform_id
     where m.org_id = $1 and m.connection_id = $2 and m.date between $4 and $5
     group by 1, 2 order by 1, 2`,
    [orgId, ref.connectionId, ref.platformId, since, until],
  );
  return rows.map((r) => ({
    ...r,
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
    conversions: Number(r.conversions),
  }));
}

/** How the platform restated one day of the campaign: each change of each entity counted, newest first. */
export async function campaignDayRevisions(
  c: Queryable,
  orgId: string,
  ref: CampaignRef,
  date: string,
  limit: number,
): Promise<CampaignRevision[]> {
  const { rows } = await c.query<CampaignRevision>(
    `with ${SOURCES}
     select r.id::text as id, r.level, r.platform_id, e.name, r.date::text as date, r.previous, r.current, r.changed_at
     from ad_metric_revisions r join chosen s on r.level = s.level and r.platform_id = s.platform_id
     left join ad_entities e on e.org_id = r.org_id and e.connection_id = r.connection_id and e.level = r.level and e.platform_id = r.platform_id
     where r.org_id = $1 and r.connection_id = $2 and r.date = $4
     order by r.changed_at desc, r.id desc limit $5`,
    [orgId, ref.connectionId, ref.platformId, date, limit],
  );
  return rows;
}
