import { recordEvent } from '../connections/events.ts';
import type { Database } from '../db/database.ts';
import type { PoolClient } from '../db/pool.ts';
import { cursorParams, type Cursor } from '../db/keyset.ts';
import { withOrgTx } from '../db/tx.ts';

/** A content sync's progress, as shown on its run. */
export interface ContentProgress {
  items_read: number;
  items_merged: number;
  conflicts: number;
  items_written: number;
}

/** The connection's running content run (a retried job carries on with it), or a new one. */
export async function openContentRun(
  db: Database,
  orgId: string,
  connectionId: string,
  reason: string,
  jobId: string,
): Promise<string> {
  return withOrgTx(db.app, orgId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      "select id from sync_runs where org_id = $1 and connection_id = $2 and status = 'running' for update",
      [orgId, connectionId],
    );
    if (rows[0]) return rows[0].id;
    const ins = await c.query<{ id: string }>(
      "insert into sync_runs (org_id, connection_id, reason, kind, job_id) values ($1, $2, $3, 'content', $4) returning id",
      [orgId, connectionId, reason, jobId],
    );
    return ins.rows[0]!.id;
  });
}

export async function recordContentProgress(
  db: Database,
  orgId: string,
  runId: string,
  p: ContentProgress,
): Promise<void> {
  await withOrgTx(db.app, orgId, (c) =>
    c.query(
      'update sync_runs set items_read = $3, items_merged = $4, conflicts = $5, items_written = $6, records = $3 where org_id = $1 and id = $2',
      [orgId, runId, p.items_read, p.items_merged, p.conflicts, p.items_written],
    ),
  );
}

/** Ends a content run in the caller's transaction, with sync.completed and the connection's last sync time. */
export async function completeContentRun(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  runId: string,
  reason: string,
  p: ContentProgress,
): Promise<void> {
  await c.query(
    "update sync_runs set status = 'completed', error = null, finished_at = now(), items_read = $3, items_merged = $4, conflicts = $5, items_written = $6, records = $3 where org_id = $1 and id = $2",
    [orgId, runId, p.items_read, p.items_merged, p.conflicts, p.items_written],
  );
  await c.query('update connections set last_sync_at = now() where org_id = $1 and id = $2', [orgId, connectionId]);
  await recordEvent(c, orgId, 'sync.completed', {
    connection_id: connectionId,
    run_id: runId,
    reason,
    kind: 'content',
    ...p,
  });
}

/** The last error of the connection's running run, shown while its job waits for a retry. */
export async function noteRunError(
  db: Database,
  orgId: string,
  connectionId: string,
  failure: { code: string; message: string },
): Promise<void> {
  await withOrgTx(db.app, orgId, (c) =>
    c.query("update sync_runs set error = $3 where org_id = $1 and connection_id = $2 and status = 'running'", [
      orgId,
      connectionId,
      `${failure.code}: ${failure.message}`.slice(0, 500),
    ]),
  );
}

/** Ends the connection's running run as failed with the error of its dead job, with sync.failed. */
export async function failRunningRun(
  db: Database,
  orgId: string,
  connectionId: string,
  reason: string,
  failure: { code: string; message: string },
): Promise<void> {
  await withOrgTx(db.app, orgId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      "update sync_runs set status = 'failed', error = $3, finished_at = now() where org_id = $1 and connection_id = $2 and status = 'running' returning id",
      [orgId, connectionId, `${failure.code}: ${failure.message}`.slice(0, 500)],
    );
    for (const r of rows)
      await recordEvent(c, orgId, 'sync.failed', {
        connection_id: connectionId,
        run_id: r.id,
        reason,
        error: failure.code,
        message: failure.message,
      });
  });
}

/** A sync run as shown to API clients. */
export interface SyncRunRow {
  id: string;
  kind: 'ads' | 'content';
  /** The job that runs it (a bigint, read as a number). */
  job_id: number | null;
  reason: string;
  status: 'running' | 'completed' | 'failed';
  pages: number;
  records: number;
  rate_limit_waits: number;
  items_read: number;
  items_merged: number;
  conflicts: number;
  items_written: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** The connection's 50 latest runs, newest first; only the run of one job when `jobId` is given. */
export async function listRuns(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  jobId: number | null,
): Promise<SyncRunRow[]> {
  const { rows } = await c.query<SyncRunRow>(
    `select id, kind, job_id::float8 as job_id, reason, status, pages, records, rate_limit_waits, items_read, items_merged, conflicts, items_written, error, started_at, finished_at
     from sync_runs where org_id = $1 and connection_id = $2 and ($3::bigint is null or job_id = $3) order by started_at desc limit 50`,
    [orgId, connectionId, jobId],
  );
  return rows;
}

/** A run of any connection of the org, with the connection's platform. */
export interface OrgSyncRunRow extends SyncRunRow {
  connection_id: string;
  provider: string | null;
}

export interface OrgRunFilter {
  status?: SyncRunRow['status'] | undefined;
  kind?: SyncRunRow['kind'] | undefined;
  connectionId?: string | undefined;
  cursor?: Cursor | undefined;
  limit: number;
}

/** Runs of every connection of the org, newest first (limit + 1 rows, for keyset pages). */
export async function listOrgRuns(c: PoolClient, orgId: string, f: OrgRunFilter): Promise<OrgSyncRunRow[]> {
  const { rows } = await c.query<OrgSyncRunRow>(
    `select r.id, r.connection_id, c.provider, r.kind, r.job_id::float8 as job_id, r.reason, r.status, r.pages, r.records, r.rate_limit_waits,
            r.items_read, r.items_merged, r.conflicts, r.items_written, r.error, r.started_at, r.finished_at
     from sync_runs r left join connections c on c.org_id = r.org_id and c.id = r.connection_id
     where r.org_id = $1 and ($2::timestamptz is null or (r.started_at, r.id) < ($2, $3::uuid))
       and ($4::text is null or r.status = $4) and ($5::text is null or r.kind = $5) and ($6::uuid is null or r.connection_id = $6)
     order by r.started_at desc, r.id desc limit $7`,
    [orgId, ...cursorParams(f.cursor), f.status ?? null, f.kind ?? null, f.connectionId ?? null, f.limit + 1],
  );
  return rows;
}
