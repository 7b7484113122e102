import { cursorParams, type Cursor } from '../../db/keyset.ts';
import { orgRowById } from '../../db/by-id.ts';
import type { Queryable } from '../../db/pool.ts';
import type { RecordedError } from './store.ts';
import { firstRow } from '../../db/first-row.ts';

export type BatchStatus =
  | 'queued'
  | 'running'
  | 'completed'
  | 'completed_with_errors'
  | 'failed'
  | 'rolling_back'
  | 'rolled_back'
  | 'rollback_failed';

/** A publish batch with its progress counters, as API clients see it. */
export interface BatchRow {
  id: string;
  status: BatchStatus;
  dry_run: boolean;
  total: number;
  done: number;
  failed: number;
  error: RecordedError | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** One item on one site in a batch. */
export interface BatchItemView {
  item_id: string;
  connection_id: string;
  status: 'pending' | 'done' | 'conflict' | 'failed' | 'rolled_back';
  action: 'create' | 'adopt' | 'update' | 'noop' | 'refuse' | null;
  remote_id: string | null;
  /** A dry run's plan: the fields it would send, or the changes and conflicts against the site's copy. */
  plan: Record<string, unknown> | null;
  error: RecordedError | null;
}

const COLUMNS = 'id, status, dry_run, total, done, failed, error, created_at, started_at, finished_at';

export async function getBatch(c: Queryable, orgId: string, id: string): Promise<BatchRow | undefined> {
  return orgRowById<BatchRow>(c, 'publish_batches', COLUMNS, orgId, id);
}

/** The org's batches, newest first, after `cursor`. */
export async function listBatches(
  c: Queryable,
  orgId: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<BatchRow[]> {
  const { rows } = await c.query<BatchRow>(
    `select ${COLUMNS} from publish_batches
     where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid)) order by created_at desc, id desc limit $4`,
    [orgId, ...cursorParams(cursor), limit],
  );
  return rows;
}

/** Every item of a batch, site by site, in publishing order. */
export async function listBatchItems(c: Queryable, orgId: string, batchId: string): Promise<BatchItemView[]> {
  const { rows } = await c.query<BatchItemView>(
    'select item_id, connection_id, status, action, remote_id, plan, error from publish_batch_items where org_id = $1 and batch_id = $2 order by connection_id, seq',
    [orgId, batchId],
  );
  return rows;
}

/**
 * Locks a batch for a rollback request and returns what decides it, then, once the caller
 * has decided, `startRollback` marks it in the same transaction: two requests cannot both start one.
 */
export async function lockBatch(
  c: Queryable,
  orgId: string,
  id: string,
): Promise<Pick<BatchRow, 'status' | 'dry_run'> | undefined> {
  return firstRow<Pick<BatchRow, 'status' | 'dry_run'>>(
    c,
    'select status, dry_run from publish_batches where org_id = $1 and id = $2 for update',
    [orgId, id],
  );
}

/** Marks a locked batch as rolling back; returns the connections its items went to (one rollback job each). */
export async function startRollback(c: Queryable, orgId: string, id: string): Promise<string[]> {
  await c.query("update publish_batches set status = 'rolling_back' where org_id = $1 and id = $2", [orgId, id]);
  const { rows } = await c.query<{ connection_id: string }>(
    'select distinct connection_id from publish_batch_items where org_id = $1 and batch_id = $2',
    [orgId, id],
  );
  return rows.map((r) => r.connection_id);
}
