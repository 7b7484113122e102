import type { Pool } from '../db/pool.ts';
import { withOrgTx } from '../db/tx.ts';
import { cursorParams, type Cursor } from '../db/keyset.ts';
import { recordAudit } from '../audit/record.ts';
import { deadLetterColumns, replayDeadLetter, SYSTEM_ORG, type DeadLetterRow } from '../jobs/dead-letter.ts';

/** A dead letter seen from the console: its org (null for system jobs) beside it. */
export interface OrgDeadLetterRow extends DeadLetterRow {
  org_id: string | null;
  org_name: string | null;
}

const COLUMNS = deadLetterColumns('d');

/** Dead letters of every org, newest first (limit + 1 rows), optionally of one org or replay state. */
export async function listAllDeadLetters(
  owner: Pool,
  opts: { orgId?: string | undefined; replayed?: boolean | undefined; cursor?: Cursor | undefined; limit: number },
): Promise<OrgDeadLetterRow[]> {
  const { rows } = await owner.query<OrgDeadLetterRow>(
    `select ${COLUMNS}, nullif(d.org_id, $6::uuid) as org_id, o.name as org_name
       from dead_letters d left join orgs o on o.id = d.org_id
      where ($1::timestamptz is null or (d.failed_at, d.id) < ($1, $2::uuid))
        and ($3::uuid is null or d.org_id = $3)
        and ($4::boolean is null or (d.replayed_at is not null) = $4)
      order by d.failed_at desc, d.id desc limit $5`,
    [...cursorParams(opts.cursor), opts.orgId ?? null, opts.replayed ?? null, opts.limit + 1, SYSTEM_ORG],
  );
  return rows;
}

/**
 * Replays a dead letter of any org. An org's job is enqueued in that org's transaction (the
 * enqueue check wants the payload's org to be the transaction's) and audited there as the
 * operator's; a system job (no org) is enqueued by the owner outside any org.
 */
export async function replayAnyDeadLetter(
  db: { owner: Pool; app: Pool },
  id: string,
  requestId: string,
): Promise<OrgDeadLetterRow | undefined> {
  const found = (
    await db.owner.query<{ org_id: string; org_name: string | null }>(
      'select d.org_id, o.name as org_name from dead_letters d left join orgs o on o.id = d.org_id where d.id = $1',
      [id],
    )
  ).rows[0];
  if (!found) return undefined;
  if (found.org_id === SYSTEM_ORG) {
    const client = await db.owner.connect();
    try {
      await client.query('begin');
      const row = await replayDeadLetter(client, SYSTEM_ORG, id);
      await client.query('commit');
      return { ...row, org_id: null, org_name: null };
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  }
  const row = await withOrgTx(db.app, found.org_id, async (c) => {
    const replayed = await replayDeadLetter(c, found.org_id, id);
    await recordAudit(c, found.org_id, {
      actor: { type: 'admin' },
      action: 'dead_letter.replay',
      target: { type: 'dead_letter', id },
      details: { task: replayed.task, replay_job_id: replayed.replay_job_id },
      requestId,
    });
    return replayed;
  });
  return { ...row, org_id: found.org_id, org_name: found.org_name };
}
