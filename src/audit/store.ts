import type { PoolClient } from '../db/pool.ts';
import type { AUDIT_ACTOR_TYPES, AuditAction, AuditTargetType } from './record.ts';

/** An audit entry as read back for the API. */
export interface AuditRow {
  /** seq as text (a bigint); named apart so ORDER BY seq sorts the number */
  position: string;
  id: string;
  at: Date;
  actor_type: (typeof AUDIT_ACTOR_TYPES)[number];
  actor_id: string | null;
  actor_label: string | null;
  action: AuditAction;
  target_type: AuditTargetType | null;
  target_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}

export interface AuditFilters {
  actorType?: string | undefined;
  actorId?: string | undefined;
  /** One exact action. */
  action?: string | undefined;
  /** A LIKE pattern for a family of actions (`connection.%`), already escaped. */
  actionLike?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** The org's trail, newest first, after the entry at `beforeSeq` (the trail pages by insertion order). */
export async function listAuditEntries(
  c: PoolClient,
  orgId: string,
  f: AuditFilters,
  beforeSeq: string | null,
  limit: number,
): Promise<AuditRow[]> {
  const { rows } = await c.query<AuditRow>(
    `select seq::text as position, id, at, actor_type, actor_id, actor_label, action, target_type, target_id, details, request_id from audit_log
     where org_id = $1 and ($2::bigint is null or seq < $2)
       and ($3::text is null or actor_type = $3) and ($4::text is null or actor_id = $4)
       and ($5::text is null or action = $5) and ($6::text is null or action like $6)
       and ($7::text is null or target_type = $7) and ($8::text is null or target_id = $8)
       and ($9::timestamptz is null or at >= $9) and ($10::timestamptz is null or at < $10)
     order by seq desc limit $11`,
    [
      orgId,
      beforeSeq,
      f.actorType ?? null,
      f.actorId ?? null,
      f.action ?? null,
      f.actionLike ?? null,
      f.targetType ?? null,
      f.targetId ?? null,
      f.since ?? null,
      f.until ?? null,
      limit,
    ],
  );
  return rows;
}
