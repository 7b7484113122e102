import type { Pool } from '../db/pool.ts';

export interface PlatformRateRow {
  provider: string;
  orgs: number;
  operations: number;
  calls: number;
  errors: number;
  rate_limited: number;
}

/**
 * Platform calls, failed calls and 429s per platform over the last `hours`, across every org,
 * from the counts each operation keeps in its summary (the operations log, read as the owner).
 */
export async function platformRates(owner: Pool, hours: number): Promise<PlatformRateRow[]> {
  const { rows } = await owner.query<PlatformRateRow>(
    `select provider,
            count(distinct org_id)::int as orgs,
            count(*)::int as operations,
            coalesce(sum((summary->>'platform_calls')::int), 0)::int as calls,
            coalesce(sum((summary->>'platform_errors')::int), 0)::int as errors,
            coalesce(sum((summary->>'rate_limited')::int), 0)::int as rate_limited
       from operations
      where provider is not null and started_at > now() - make_interval(hours => $1)
      group by provider
      order by calls desc, provider`,
    [hours],
  );
  return rows;
}
