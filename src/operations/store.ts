import { cursorParams, type Cursor } from '../db/keyset.ts';
import { orgRowById } from '../db/by-id.ts';
import type { PoolClient } from '../db/pool.ts';
import type { MessageRow, OperationRow } from './recorder.ts';

export interface OperationFilters {
  connectionId?: string | undefined;
  provider?: string | undefined;
  type?: string | undefined;
  status?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  q?: string | undefined;
}

/** An operation as read back: the recorder's row without its org (the query is org-scoped). */
export type OperationDbRow = Omit<OperationRow, 'org_id' | 'status' | 'trace_id'> & {
  status: string;
  trace_id: string | null;
};

/** A message as read back. */
export type MessageDbRow = Omit<MessageRow, 'org_id' | 'operation_id' | 'level' | 'kind'> & {
  level: string;
  kind: string;
};

const COLUMNS =
  'id, parent_id, type, connection_id, provider, actor, status, started_at, ended_at, summary, error_code, error_message, job_id, attempt, trace_id';

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Operations of the org (RLS applies), newest first, keyset-paginated like the other lists. */
export async function listOperations(
  c: PoolClient,
  orgId: string,
  f: OperationFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<OperationDbRow[]> {
  const { rows } = await c.query<OperationDbRow>(
    `select ${COLUMNS} from operations o
     where o.org_id = $1
       and ($2::uuid is null or o.connection_id = $2)
       and ($3::text is null or o.provider = $3)
       and ($4::text is null or o.type = $4)
       and ($5::text is null or o.status = $5)
       and ($6::timestamptz is null or o.started_at >= $6)
       and ($7::timestamptz is null or o.started_at < $7)
       and ($8::text is null or o.error_message ilike $8 or exists (
             select 1 from operation_messages m where m.org_id = o.org_id and m.operation_id = o.id
               and (m.message ilike $8 or m.http->>'error_excerpt' ilike $8)))
       and ($9::timestamptz is null or (o.started_at, o.id) < ($9, $10::uuid))
     order by o.started_at desc, o.id desc
     limit $11`,
    [
      orgId,
      f.connectionId ?? null,
      f.provider ?? null,
      f.type ?? null,
      f.status ?? null,
      f.since ?? null,
      f.until ?? null,
      f.q ? likePattern(f.q) : null,
      ...cursorParams(cursor),
      limit,
    ],
  );
  return rows;
}

export async function getOperation(c: PoolClient, orgId: string, id: string): Promise<OperationDbRow | undefined> {
  return orgRowById<OperationDbRow>(c, 'operations', COLUMNS, orgId, id);
}

/** Messages after `afterSeq`, in order (the whole log with 0; the live tail with the last seen). */
export async function messagesOf(
  c: PoolClient,
  orgId: string,
  id: string,
  afterSeq = 0,
  limit = 5000,
): Promise<MessageDbRow[]> {
  const { rows } = await c.query<MessageDbRow>(
    'select seq, at, level, kind, message, http from operation_messages where org_id = $1 and operation_id = $2 and seq > $3 order by seq limit $4',
    [orgId, id, afterSeq, limit],
  );
  return rows;
}

/** Child operations (a token refresh inside a sync). */
export async function childrenOf(c: PoolClient, orgId: string, id: string): Promise<OperationDbRow[]> {
  const { rows } = await c.query<OperationDbRow>(
    `select ${COLUMNS} from operations where org_id = $1 and parent_id = $2 order by started_at`,
    [orgId, id],
  );
  return rows;
}

export function formatOperation(r: OperationDbRow) {
  return {
    id: r.id,
    parent_id: r.parent_id,
    type: r.type,
    connection_id: r.connection_id,
    provider: r.provider,
    actor: r.actor,
    status: r.status,
    started_at: r.started_at,
    ended_at: r.ended_at,
    duration_ms: r.ended_at ? r.ended_at.getTime() - r.started_at.getTime() : null,
    summary: r.summary,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    job_id: r.job_id,
    attempt: r.attempt,
    trace_id: r.trace_id,
  };
}

export function formatMessage(m: MessageDbRow) {
  return { seq: m.seq, at: m.at, level: m.level, kind: m.kind, message: m.message, http: m.http };
}
