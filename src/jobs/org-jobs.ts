import type { Queryable } from '../db/pool.ts';

/**
 * An org's jobs, found by the org_id in their payload. graphile-worker's public `jobs` view
 * leaves the payload out, so this selection is the one place that reads its `_private_jobs`
 * table; everything else goes through the view and the admin functions.
 */
const ORG_JOB_IDS = "select id from graphile_worker._private_jobs where payload ->> 'org_id' = $1";

/** Removes the org's jobs that no worker holds, through `complete_jobs` (which skips locked ones). */
export async function removeIdleOrgJobs(db: Queryable, orgId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from graphile_worker.complete_jobs(array(${ORG_JOB_IDS} and locked_at is null))`,
    [orgId],
  );
  return rows[0]?.n ?? 0;
}

/** How many of the org's jobs a worker holds right now. */
export async function heldOrgJobs(db: Queryable, orgId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from graphile_worker.jobs where locked_at is not null and id in (${ORG_JOB_IDS})`,
    [orgId],
  );
  return rows[0]?.n ?? 0;
}
