import type { Queryable } from '../db/pool.ts';
import { ORIGIN_FIELD } from './types.ts';

/**
 * Reopens what a dead job closed, when its dead letter is replayed (in the replay's org
 * transaction): the publish items its death failed go back to pending and the batch to running;
 * a failed rollback goes back to rolling back; the sync run it failed runs again.
 */
export async function reopenWork(
  c: Queryable,
  orgId: string,
  task: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const batchId = payload.batch_id as string | undefined;
  const connectionId = payload.connection_id as string | undefined;
  if (task === 'publish_batch' && batchId && connectionId) {
    const { rowCount } = await c.query(
      `update publish_batch_items set status = 'pending', error = null, updated_at = now()
       where org_id = $1 and batch_id = $2 and connection_id = $3 and status = 'failed' and error->>'job_died' = 'true'`,
      [orgId, batchId, connectionId],
    );
    await c.query(
      `update publish_batches set status = 'running', error = null, finished_at = null, failed = greatest(0, failed - $3)
       where org_id = $1 and id = $2 and status in ('failed', 'completed_with_errors', 'running')`,
      [orgId, batchId, rowCount ?? 0],
    );
  } else if (task === 'rollback_batch' && batchId) {
    await c.query(
      "update publish_batches set status = 'rolling_back', error = null, finished_at = null where org_id = $1 and id = $2 and status = 'rollback_failed'",
      [orgId, batchId],
    );
  } else if (task === 'sync_connection' && connectionId && payload[ORIGIN_FIELD]) {
    await c.query(
      `update sync_runs set status = 'running', error = null, finished_at = null
       where org_id = $1 and connection_id = $2 and job_id = $3 and status = 'failed'
         and not exists (select 1 from sync_runs r where r.org_id = $1 and r.connection_id = $2 and r.status = 'running')`,
      [orgId, connectionId, Number(payload[ORIGIN_FIELD])],
    );
  }
}
