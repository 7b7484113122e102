import type { Queryable } from '../../db/pool.ts';
import type { TargetRow } from './store.ts';
import type { TargetLocation } from './types.ts';

/** The item's target on a connection, created (pending) the first time the item goes there. */
export async function ensureTarget(c: Queryable, orgId: string, itemId: string, connectionId: string, loc: TargetLocation): Promise<TargetRow> {
  const { rows } = await c.query<TargetRow>(
    `insert into content_targets (org_id, item_id, connection_id, kind, collection) values ($1, $2, $3, $4, $5)
     on conflict (item_id, connection_id) do update set updated_at = content_targets.updated_at
     returning *`,
    [orgId, itemId, connectionId, loc.kind, loc.collection],
  );
  return rows[0]!;
}

/** Marks creates as sent before they are: a retry after a crash then looks the item up first. */
export async function markCreateStarted(c: Queryable, orgId: string, targetIds: readonly string[]): Promise<void> {
  await c.query('update content_targets set create_started_at = coalesce(create_started_at, now()), updated_at = now() where org_id = $1 and id = any($2::uuid[])', [orgId, targetIds]);
}
