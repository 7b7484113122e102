import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { withOrgTx } from '../../db/tx.ts';

/** Longer than any merge of one item (a few site calls); a holder that dies frees it by expiry. */
const LEASE_SECONDS = 120;
/** How long a job waits for another job's merge of the same item before leaving it to the next sync. */
const WAIT_MS = 150_000;

/**
 * Takes the item-and-site's reconcile lease (a row lease, no database lock held during site
 * calls), waiting while another job holds it. Returns the lease id, or null when it stayed taken.
 */
async function takeReconcileLease(deps: RefreshDeps, orgId: string, targetId: string): Promise<string | null> {
  const me = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 20; ; delay = Math.min(500, delay * 2)) {
    const { rowCount, rows } = await withOrgTx(deps.db.app, orgId, (c) =>
      c.query<{ exists: boolean }>(
        `with taken as (
           update content_targets set reconcile_owner = $3, reconcile_until = now() + make_interval(secs => $4)
           where org_id = $1 and id = $2 and (reconcile_until is null or reconcile_until < now()) returning 1)
         select exists(select 1 from taken) as exists`,
        [orgId, targetId, me, LEASE_SECONDS],
      ),
    );
    if (rowCount && rows[0]?.exists) return me;
    const gone = await withOrgTx(deps.db.app, orgId, (c) =>
      c.query('select 1 from content_targets where org_id = $1 and id = $2', [orgId, targetId]),
    );
    if (!gone.rowCount) return me; // no such target: the caller finds nothing to do
    if (Date.now() > deadline) return null;
    await sleep(delay);
  }
}

async function releaseReconcileLease(deps: RefreshDeps, orgId: string, targetId: string, lease: string): Promise<void> {
  await withOrgTx(deps.db.app, orgId, (c) =>
    c.query(
      'update content_targets set reconcile_owner = null, reconcile_until = null where org_id = $1 and id = $2 and reconcile_owner = $3',
      [orgId, targetId, lease],
    ),
  );
}

/** Runs `work` holding the item-and-site's reconcile lease; null when the lease stayed taken. */
export async function withReconcileLease<T>(
  deps: RefreshDeps,
  orgId: string,
  targetId: string,
  work: () => Promise<T>,
): Promise<T | null> {
  const lease = await takeReconcileLease(deps, orgId, targetId);
  if (!lease) return null;
  try {
    return await work();
  } finally {
    await releaseReconcileLease(deps, orgId, targetId, lease);
  }
}
