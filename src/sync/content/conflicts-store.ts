import { cursorParams, type Cursor } from '../../db/keyset.ts';
import type { Queryable } from '../../db/pool.ts';
import { firstRow } from '../../db/first-row.ts';

/** A conflict as shown to API clients, with the connection of its target. */
export interface ConflictViewRow {
  id: string;
  item_id: string;
  connection_id: string;
  status: 'open' | 'resolved';
  /** Base, hub and site values of each conflicting field (stored field names). */
  fields: { field: string; base: unknown; hub: unknown; remote: unknown }[];
  /** The values the resolution chose, by stored field name. */
  resolution: Record<string, unknown> | null;
  resolved_by: string | null;
  created_at: Date;
  resolved_at: Date | null;
}

export interface ConflictFilters {
  status?: 'open' | 'resolved' | undefined;
  itemId?: string | undefined;
}

const SELECT = `select c.id, c.item_id, t.connection_id, c.status, c.fields, c.resolution, c.resolved_by, c.created_at, c.resolved_at
  from content_conflicts c join content_targets t on t.org_id = c.org_id and t.id = c.target_id`;

/** The org's conflicts, open and resolved (the history), newest first, after `cursor`. */
export async function listConflicts(
  c: Queryable,
  orgId: string,
  f: ConflictFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ConflictViewRow[]> {
  const { rows } = await c.query<ConflictViewRow>(
    `${SELECT} where c.org_id = $1 and ($2::text is null or c.status = $2) and ($3::uuid is null or c.item_id = $3)
       and ($4::timestamptz is null or (c.created_at, c.id) < ($4, $5::uuid)) order by c.created_at desc, c.id desc limit $6`,
    [orgId, f.status ?? null, f.itemId ?? null, ...cursorParams(cursor), limit],
  );
  return rows;
}

export async function getConflictView(c: Queryable, orgId: string, id: string): Promise<ConflictViewRow | undefined> {
  return firstRow<ConflictViewRow>(c, `${SELECT} where c.org_id = $1 and c.id = $2`, [orgId, id]);
}
