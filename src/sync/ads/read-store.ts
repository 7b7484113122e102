import { cursorParams, type Cursor } from '../../db/keyset.ts';
import type { PoolClient } from '../../db/pool.ts';
import type { AdLevel, AdStatus } from '../../providers/contracts/ads.ts';

/** A stored ads object with its connection's provider: what the unified ads lists read. */
export interface AdEntityViewRow {
  connection_id: string;
  provider: string;
  level: AdLevel;
  platform_id: string;
  account_platform_id: string;
  parent_platform_id: string | null;
  name: string | null;
  status: AdStatus;
  platform_status: string | null;
  objective: string | null;
  currency: string | null;
  time_zone: string | null;
  /** bigint: a number when it fits in 2^53, else its digits. */
  daily_budget_micros: number | string | null;
  lifetime_budget_micros: number | string | null;
  start_at: Date | null;
  end_at: Date | null;
  deleted_at: Date | null;
  updated_at: Date;
  raw: Record<string, unknown>;
}

export interface AdEntityFilters {
  connectionId?: string | undefined;
  provider?: string | undefined;
  status?: AdStatus | undefined;
  accountId?: string | undefined;
}

/** Objects of one level across the org's ad platforms, last updated first; `cursor.id` is a platform id. */
export async function listAdEntities(
  c: PoolClient,
  orgId: string,
  level: AdLevel,
  f: AdEntityFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<AdEntityViewRow[]> {
  const { rows } = await c.query<AdEntityViewRow>(
    `select e.*, c.provider from ad_entities e join connections c on c.org_id = e.org_id and c.id = e.connection_id
     where e.org_id = $1 and e.level = $2
       and ($3::timestamptz is null or (e.updated_at, e.platform_id) < ($3, $4::text))
       and ($5::uuid is null or e.connection_id = $5) and ($6::text is null or c.provider = $6)
       and ($7::text is null or e.status = $7::ad_status) and ($8::text is null or e.account_platform_id = $8)
     order by e.updated_at desc, e.platform_id desc limit $9`,
    [
      orgId,
      level,
      ...cursorParams(cursor),
      f.connectionId ?? null,
      f.provider ?? null,
      f.status ?? null,
      f.accountId ?? null,
      limit,
    ],
  );
  return rows;
}

/** What daily metrics are summed by. */
export type MetricsGrouping = 'day' | 'entity' | 'provider';

const GROUP_KEY: Record<MetricsGrouping, string> = {
  day: 'm.date::text',
  entity: 'm.platform_id',
  provider: 'c.provider',
};

/** Sums of one group and currency; counts as bigint text, money as exact micros. */
export interface MetricsSumRow {
  key: string;
  currency: string | null;
  impressions: string;
  clicks: string;
  spend_micros: string;
  conversions: string;
}

export interface MetricsQuery {
  /** Inclusive dates, `YYYY-MM-DD`. */
  since: string;
  until: string;
  level: AdLevel;
  groupBy: MetricsGrouping;
  connectionId?: string | undefined;
  provider?: string | undefined;
}

/** Daily metrics summed per group and currency (money never adds across currencies), at most 10,000 rows. */
export async function sumMetrics(c: PoolClient, orgId: string, q: MetricsQuery): Promise<MetricsSumRow[]> {
  const { rows } = await c.query<MetricsSumRow>(
    `select ${GROUP_KEY[q.groupBy]} as key, m.currency, sum(m.impressions)::bigint as impressions, sum(m.clicks)::bigint as clicks,
            sum(m.spend_micros)::text as spend_micros, sum(m.conversions)::float8 as conversions
     from ad_metrics_daily m join connections c on c.org_id = m.org_id and c.id = m.connection_id
     where m.org_id = $1 and m.date between $2 and $3 and m.level = $4
       and ($5::uuid is null or m.connection_id = $5) and ($6::text is null or c.provider = $6)
     group by 1, 2 order by 1, 2 limit 10000`,
    [orgId, q.since, q.until, q.level, q.connectionId ?? null, q.provider ?? null],
  );
  return rows;
}

interface MetricValues {
  impressions: number | null;
  clicks: number | null;
  spend_micros: number | null;
  conversions: number | null;
}

/** One restatement of an entity's metrics for a day. */
export interface MetricRevisionRow {
  /** The revision's bigint id as text. */
  id: string;
  connection_id: string;
  level: AdLevel;
  platform_id: string;
  date: string;
  previous: MetricValues;
  current: MetricValues;
  changed_at: Date;
}

export interface RevisionFilters {
  connectionId?: string | undefined;
  platformId?: string | undefined;
  date?: string | undefined;
}

/** Metric restatements, newest first; `cursor.id` is a revision id as text. */
export async function listMetricRevisions(
  c: PoolClient,
  orgId: string,
  f: RevisionFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<MetricRevisionRow[]> {
  const { rows } = await c.query<MetricRevisionRow>(
    `select id::text, connection_id, level, platform_id, date::text, previous, current, changed_at from ad_metric_revisions
     where org_id = $1 and ($2::timestamptz is null or (changed_at, id::text) < ($2, $3::text))
       and ($4::uuid is null or connection_id = $4) and ($5::text is null or platform_id = $5) and ($6::date is null or date = $6)
     order by changed_at desc, id::text desc limit $7`,
    [orgId, ...cursorParams(cursor), f.connectionId ?? null, f.platformId ?? null, f.date ?? null, limit],
  );
  return rows;
}
