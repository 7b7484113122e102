import type { Pool, Queryable } from '../../db/pool.ts';
import { withTx } from '../../db/tx.ts';

/**
 * Wakes an org's inbox drain. The job key keeps one pending drain per org (a running one gets
 * a successor). The wake-up commits without waiting for its WAL flush: it is a hint, the
 * events themselves were committed durably before the platform got its 2xx, and a wake-up
 * lost to a crash is made up by the stranded-inbox scan.
 */
export async function wakeDrain(owner: Pool, orgId: string): Promise<void> {
  await withTx(
    owner,
    (c) =>
      c.query(
        "select graphile_worker.add_job('drain_webhook_inbox', json_build_object('org_id', $1::text), job_key => 'inbox:' || $1)",
        [orgId],
      ),
    { synchronous_commit: 'off' },
  );
}

/** Orgs with due events and no drain pending: wake them (after a crash, or a lost wake-up). */
export async function wakeStrandedInboxes(db: Queryable, olderThanSeconds: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select graphile_worker.add_job('drain_webhook_inbox', json_build_object('org_id', o.org_id::text), job_key => 'inbox:' || o.org_id::text)
       from (select distinct org_id from webhook_inbox
             where status = 'received' and next_attempt_at <= now() - make_interval(secs => $1)) o
       where not exists (select 1 from graphile_worker.jobs j where j.key = 'inbox:' || o.org_id::text)
     ) s`,
    [olderThanSeconds],
  );
  return rows[0]?.n ?? 0;
}
