import { cursorParams, type Cursor } from '../db/keyset.ts';
import { orgRowById } from '../db/by-id.ts';
import type { Pool, Queryable } from '../db/pool.ts';
import { plexusError } from '../core/errors.ts';
import { enqueue, type TaskName } from '../db/queue.ts';
import { reopenWork } from './reopen.ts';
import { ATTEMPT_FIELD } from './types.ts';

/** Org of system jobs (no tenant): a row no org can see. */
export const SYSTEM_ORG = '00000000-0000-0000-0000-000000000000';

export interface DeadLetterInput {
  jobId: string | number;
  task: string;
  payload: Record<string, unknown>;
  jobKey: string | null;
  queueName: string | null;
  attempts: number;
  errorCode: string;
  errorMessage: string;
}

/** Moves a failed job out of the queue. Idempotent per job id: a worker that dies after this write and runs the job again adds nothing. */
export async function recordDeadLetter(owner: Pool, d: DeadLetterInput): Promise<void> {
  const orgId = typeof d.payload.org_id === 'string' ? d.payload.org_id : SYSTEM_ORG;
  // The origin job id stays: a replay carries on the same run or batch, found by it.
  const { [ATTEMPT_FIELD]: _drop, ...payload } = d.payload;
  await owner.query(
    `insert into dead_letters (org_id, job_id, task, payload, job_key, queue_name, attempts, error_code, error_message)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (org_id, job_id) do nothing`,
    [orgId, d.jobId, d.task, payload, d.jobKey, d.queueName, d.attempts, d.errorCode, d.errorMessage.slice(0, 2000)],
  );
}

export interface DeadLetterRow {
  id: string;
  job_id: number;
  task: string;
  payload: Record<string, unknown>;
  job_key: string | null;
  attempts: number;
  error_code: string;
  error_message: string;
  failed_at: Date;
  replayed_at: Date | null;
  replay_job_id: number | null;
}

const DEAD_LETTER_COLUMNS =
  'id, job_id, task, payload, job_key, attempts, error_code, error_message, failed_at, replayed_at, replay_job_id';

/** The columns of a DeadLetterRow, qualified by a table alias, for stores that join dead letters. */
export const deadLetterColumns = (alias: string) =>
  DEAD_LETTER_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');

/** The org's dead letters, newest first, after `cursor`; `replayed` keeps only replayed (or only waiting) ones. */
export async function listDeadLetters(
  client: Queryable,
  orgId: string,
  f: { task?: string | undefined; replayed?: boolean | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<DeadLetterRow[]> {
  const { rows } = await client.query<DeadLetterRow>(
    `select ${DEAD_LETTER_COLUMNS} from dead_letters
     where org_id = $1 and ($2::timestamptz is null or (failed_at, id) < ($2, $3::uuid))
       and ($4::text is null or task = $4)
       and ($5::boolean is null or (replayed_at is not null) = $5)
     order by failed_at desc, id desc limit $6`,
    [orgId, ...cursorParams(cursor), f.task ?? null, f.replayed ?? null, limit],
  );
  return rows;
}

export async function getDeadLetter(client: Queryable, orgId: string, id: string): Promise<DeadLetterRow | undefined> {
  return orgRowById<DeadLetterRow>(client, 'dead_letters', DEAD_LETTER_COLUMNS, orgId, id);
}

/**
 * Enqueues a dead letter again with a fresh attempt count, in the caller's org transaction,
 * and marks it replayed in the same write so a double click cannot run it twice. The record
 * its death closed (a sync run, a publish batch, a rollback) is reopened in the same write.
 */
export async function replayDeadLetter(client: Queryable, orgId: string, id: string): Promise<DeadLetterRow> {
  const { rows } = await client.query<DeadLetterRow & { queue_name: string | null }>(
    `select ${DEAD_LETTER_COLUMNS}, queue_name from dead_letters where org_id = $1 and id = $2 for update`,
    [orgId, id],
  );
  const row = rows[0];
  if (!row) throw plexusError('not_found', { message: 'No such dead letter.' });
  if (row.replayed_at)
    throw plexusError('conflict', {
      message: 'This dead letter was already replayed.',
      details: { replay_job_id: row.replay_job_id },
    });
  const jobId = await enqueue(client, row.task as TaskName, row.payload as never, {
    ...(row.job_key ? { jobKey: row.job_key } : {}),
    ...(row.queue_name ? { queueName: row.queue_name } : {}),
  });
  await reopenWork(client, orgId, row.task, row.payload);
  const updated = await client.query<DeadLetterRow>(
    `update dead_letters set replayed_at = now(), replay_job_id = $3 where org_id = $1 and id = $2 returning ${DEAD_LETTER_COLUMNS}`,
    [orgId, id, jobId],
  );
  return updated.rows[0]!;
}
