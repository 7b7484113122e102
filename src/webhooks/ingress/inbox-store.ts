import { cursorParams, type Cursor } from '../../db/keyset.ts';
import { orgRowById } from '../../db/by-id.ts';
import type { Queryable } from '../../db/pool.ts';

/** An inbound event as listed for the org: everything but the payload. */
export interface InboundRow {
  id: string;
  provider: string;
  connection_id: string | null;
  topic: string | null;
  account_ref: string | null;
  status: 'received' | 'processed' | 'failed' | 'unmatched';
  attempts: number;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
}

export interface InboundFilters {
  provider?: string | undefined;
  status?: string | undefined;
  connectionId?: string | undefined;
}

const COLUMNS =
  'id, provider, connection_id, topic, account_ref, status, attempts, last_error, received_at, processed_at';

/** Events received for the org, newest first, after `cursor`. */
export async function listInbound(
  c: Queryable,
  orgId: string,
  f: InboundFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<InboundRow[]> {
  const { rows } = await c.query<InboundRow>(
    `select ${COLUMNS} from webhook_inbox where org_id = $1 and ($2::timestamptz is null or (received_at, id) < ($2, $3::uuid))
       and ($4::text is null or provider = $4) and ($5::text is null or status = $5) and ($6::uuid is null or connection_id = $6)
     order by received_at desc, id desc limit $7`,
    [orgId, ...cursorParams(cursor), f.provider ?? null, f.status ?? null, f.connectionId ?? null, limit],
  );
  return rows;
}

/** An event as received, with its payload. */
export type InboundEvent = InboundRow & { payload: Record<string, unknown> };

/** One event with its payload. */
export async function getInbound(c: Queryable, orgId: string, id: string): Promise<InboundEvent | undefined> {
  return orgRowById<InboundEvent>(c, 'webhook_inbox', `${COLUMNS}, payload`, orgId, id);
}
