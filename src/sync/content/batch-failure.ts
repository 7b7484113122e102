import { recordEvent } from '../../connections/events.ts';
import type { Database } from '../../db/database.ts';
import { withOrgTx } from '../../db/tx.ts';

interface Failure {
  code: string;
  message: string;
  attempt: number;
}

/** The last failed attempt of a batch's job, shown on the batch while the job waits for its retry. */
export async function noteBatchError(db: Database, orgId: string, batchId: string, f: Failure): Promise<void> {
  await withOrgTx(db.app, orgId, (c) =>
    c.query(
      "update publish_batches set error = $3 where org_id = $1 and id = $2 and status in ('queued', 'running', 'rolling_back')",
      [orgId, batchId, JSON.stringify({ code: f.code, message: f.message, attempt: f.attempt })],
    ),
  );
}

/**
 * A publish job that died: its items still pending on that site fail with the error, the batch
 * keeps the error and, once nothing is pending anywhere, ends `failed` with `publish.completed`.
 * Marked `job_died` so a replay of the dead letter can reopen exactly these.
 */
export async function failBatchForConnection(
  db: Database,
  orgId: string,
  batchId: string,
  connectionId: string,
  f: Failure,
): Promise<void> {
  const error = { code: f.code, message: f.message, job_died: true };
  await withOrgTx(db.app, orgId, async (c) => {
    const { rowCount } = await c.query(
      `update publish_batch_items set status = 'failed', error = $4, updated_at = now()
       where org_id = $1 and batch_id = $2 and connection_id = $3 and status = 'pending'`,
      [orgId, batchId, connectionId, JSON.stringify(error)],
    );
    await c.query(
      "update publish_batches set failed = failed + $3, error = $4 where org_id = $1 and id = $2 and status in ('queued', 'running')",
      [orgId, batchId, rowCount ?? 0, JSON.stringify(error)],
    );
  });
  await settleBatchOutcome(db, orgId, batchId);
}

/** Sets the batch's outcome once every item is settled, and records `publish.completed` once. */
export async function settleBatchOutcome(db: Database, orgId: string, batchId: string): Promise<void> {
  await withOrgTx(db.app, orgId, async (c) => {
    const { rows } = await c.query<{
      status: string;
      done: number;
      failed: number;
      total: number;
      dry_run: boolean;
      error: unknown;
    }>(
      `update publish_batches b set status = case when b.error->>'job_died' = 'true' then 'failed' when b.failed > 0 then 'completed_with_errors' else 'completed' end,
         error = case when b.error->>'job_died' = 'true' then b.error end, finished_at = now()
       where b.org_id = $1 and b.id = $2 and b.status in ('queued', 'running')
         and not exists (select 1 from publish_batch_items i where i.org_id = $1 and i.batch_id = $2 and i.status = 'pending')
       returning status, done, failed, total, dry_run, error`,
      [orgId, batchId],
    );
    const b = rows[0];
    if (b)
      await recordEvent(c, orgId, 'publish.completed', {
        batch_id: batchId,
        status: b.status,
        total: b.total,
        done: b.done,
        failed: b.failed,
        dry_run: b.dry_run,
        ...(b.error ? { error: b.error } : {}),
      });
  });
}

/** A rollback job that died: the batch ends `rollback_failed` with the error, and `publish.rolled_back` says so. */
export async function failRollback(db: Database, orgId: string, batchId: string, f: Failure): Promise<void> {
  const error = { code: f.code, message: f.message, job_died: true };
  await withOrgTx(db.app, orgId, async (c) => {
    const { rowCount } = await c.query(
      "update publish_batches set status = 'rollback_failed', error = $3, finished_at = now() where org_id = $1 and id = $2 and status = 'rolling_back'",
      [orgId, batchId, JSON.stringify(error)],
    );
    if (rowCount) await recordEvent(c, orgId, 'publish.rolled_back', { batch_id: batchId, status: 'failed', error });
  });
}
