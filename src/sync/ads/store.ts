import type { PoolClient } from '../../db/pool.ts';
import type { AdEntityRecord, AdLevel, AdMetricRecord } from '../../providers/contracts/ads.ts';
import { firstRow } from '../../db/first-row.ts';

const big = (v: bigint | null | undefined) => (v === null || v === undefined ? null : v.toString());

/** One page of entities in one statement (multi-row upsert); marks them seen by this run. */
export async function upsertEntities(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  runId: string,
  rows: readonly AdEntityRecord[],
): Promise<void> {
  if (!rows.length) return;
  const payload = rows.map((r) => ({
    level: r.level,
    platform_id: r.platformId,
    account_platform_id: r.accountPlatformId,
    parent_platform_id: r.parentPlatformId,
    name: r.name,
    status: r.status,
    platform_status: r.platformStatus,
    objective: r.objective ?? null,
    currency: r.currency ?? null,
    time_zone: r.timeZone ?? null,
    daily_budget_micros: big(r.dailyBudgetMicros),
    lifetime_budget_micros: big(r.lifetimeBudgetMicros),
    start_at: r.startAt ?? null,
    end_at: r.endAt ?? null,
    raw: r.raw,
  }));
  await c.query(
    `insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, parent_platform_id, name, status,
       platform_status, objective, currency, time_zone, daily_budget_micros, lifetime_budget_micros, start_at, end_at, raw, seen_run_id, deleted_at)
     select $1, $2, r.level, r.platform_id, r.account_platform_id, r.parent_platform_id, r.name, r.status::ad_status, r.platform_status,
       r.objective, r.currency, r.time_zone, r.daily_budget_micros, r.lifetime_budget_micros, r.start_at, r.end_at, r.raw, $3,
       case when r.status = 'deleted' then now() end
     from jsonb_to_recordset($4::jsonb) as r(level text, platform_id text, account_platform_id text, parent_platform_id text, name text,
       status text, platform_status text, objective text, currency text, time_zone text, daily_budget_micros bigint,
       lifetime_budget_micros bigint, start_at timestamptz, end_at timestamptz, raw jsonb)
     on conflict (org_id, connection_id, level, platform_id) do update set
       account_platform_id = excluded.account_platform_id, parent_platform_id = excluded.parent_platform_id, name = excluded.name,
       status = excluded.status, platform_status = excluded.platform_status, objective = excluded.objective, currency = excluded.currency,
       time_zone = excluded.time_zone, daily_budget_micros = excluded.daily_budget_micros, lifetime_budget_micros = excluded.lifetime_budget_micros,
       start_at = excluded.start_at, end_at = excluded.end_at, raw = excluded.raw, seen_run_id = excluded.seen_run_id,
       deleted_at = case when excluded.status = 'deleted' then coalesce(ad_entities.deleted_at, now()) end, updated_at = now()`,
    [orgId, connectionId, runId, JSON.stringify(payload)],
  );
}

/**
 * One page of daily metrics in one statement. A row whose numbers changed since the last
 * pull (a platform restating a recent day) keeps its previous values as a revision.
 */
export async function upsertMetrics(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  rows: readonly AdMetricRecord[],
): Promise<number> {
  if (!rows.length) return 0;
  const payload = rows.map((r) => ({
    level: r.level,
    platform_id: r.platformId,
    date: r.date,
    impressions: r.impressions,
    clicks: r.clicks,
    spend_micros: r.spendMicros.toString(),
    conversions: r.conversions,
    currency: r.currency,
  }));
  const { rows: out } = await c.query<{ revised: number }>(
    `with input as (
       select * from jsonb_to_recordset($3::jsonb) as r(level text, platform_id text, date date, impressions bigint, clicks bigint,
         spend_micros bigint, conversions numeric, currency text)
     ), prev as (
       select m.* from ad_metrics_daily m join input i
         on m.org_id = $1 and m.connection_id = $2 and m.level = i.level and m.platform_id = i.platform_id and m.date = i.date
     ), revised as (
       insert into ad_metric_revisions (org_id, connection_id, level, platform_id, date, previous, current)
       select $1, $2, i.level, i.platform_id, i.date,
         jsonb_build_object('impressions', p.impressions, 'clicks', p.clicks, 'spend_micros', p.spend_micros, 'conversions', p.conversions),
         jsonb_build_object('impressions', i.impressions, 'clicks', i.clicks, 'spend_micros', i.spend_micros, 'conversions', i.conversions)
       from input i join prev p on p.level = i.level and p.platform_id = i.platform_id and p.date = i.date
       where (p.impressions, p.clicks, p.spend_micros, p.conversions) is distinct from (i.impressions, i.clicks, i.spend_micros, i.conversions)
       returning 1
     ), upserted as (
       insert into ad_metrics_daily (org_id, connection_id, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency)
       select $1, $2, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency from input
       on conflict (org_id, connection_id, level, platform_id, date) do update set
         impressions = excluded.impressions, clicks = excluded.clicks, spend_micros = excluded.spend_micros,
         conversions = excluded.conversions, currency = excluded.currency, updated_at = now()
       where (ad_metrics_daily.impressions, ad_metrics_daily.clicks, ad_metrics_daily.spend_micros, ad_metrics_daily.conversions)
         is distinct from (excluded.impressions, excluded.clicks, excluded.spend_micros, excluded.conversions)
       returning 1
     )
     select (select count(*)::int from revised) as revised`,
    [orgId, connectionId, JSON.stringify(payload)],
  );
  return out[0]?.revised ?? 0;
}

/** What a campaign write needs of the ad account it happens in. */
export interface AdAccountRow {
  platform_id: string;
  currency: string | null;
  time_zone: string | null;
  raw: unknown;
}

/** A synced ad account of the connection (deleted ones too: the platform has the last word). */
export async function getAdAccount(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  accountId: string,
): Promise<AdAccountRow | undefined> {
  return firstRow<AdAccountRow>(
    c,
    "select platform_id, currency, time_zone, raw from ad_entities where org_id = $1 and connection_id = $2 and level = 'account' and platform_id = $3",
    [orgId, connectionId, accountId],
  );
}

/** The account of a stored object that is not deleted; undefined when there is none. */
export async function liveEntityAccountId(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  level: AdLevel,
  platformId: string,
): Promise<string | undefined> {
  const { rows } = await c.query<{ account_platform_id: string }>(
    'select account_platform_id from ad_entities where org_id = $1 and connection_id = $2 and level = $3 and platform_id = $4 and deleted_at is null',
    [orgId, connectionId, level, platformId],
  );
  return rows[0]?.account_platform_id;
}

/** Marks an object deleted once the platform has deleted it; the row stays, so its history does. */
export async function markEntityDeleted(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  level: AdLevel,
  platformId: string,
): Promise<void> {
  await c.query(
    "update ad_entities set status = 'deleted', deleted_at = now(), updated_at = now() where org_id = $1 and connection_id = $2 and level = $3 and platform_id = $4",
    [orgId, connectionId, level, platformId],
  );
}
