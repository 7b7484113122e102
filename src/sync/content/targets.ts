import type { Queryable } from '../../db/pool.ts';
import type { RecordedError, TargetRow } from './store.ts';
import type { TargetLocation } from '../../providers/contracts/content.ts';
import { firstRow } from '../../db/first-row.ts';

/** The item's target on a connection, created (pending) the first time the item goes there. */
export async function ensureTarget(
  c: Queryable,
  orgId: string,
  itemId: string,
  connectionId: string,
  loc: TargetLocation,
): Promise<TargetRow> {
  const { rows } = await c.query<TargetRow>(
    `insert into content_targets (org_id, item_id, connection_id, kind, collection) values ($1, $2, $3, $4, $5)
     on conflict (org_id, item_id, connection_id) do update set updated_at = content_targets.updated_at
     returning *`,
    [orgId, itemId, connectionId, loc.kind, loc.collection],
  );
  return rows[0]!;
}

/**
 * Marks creates as sent before they are, with who sends them (the runner's lease token): a
 * retry after a crash then looks the item up first. Only targets that no other runner has
 * started are granted, or whose other start is older than the settle window (the caller has
 * since looked them up and not found them); the rest are in flight elsewhere. Returns the ids
 * granted to `token`.
 */
export async function markCreateStarted(
  c: Queryable,
  orgId: string,
  targetIds: readonly string[],
  token: string | null,
  settleMs: number,
): Promise<Set<string>> {
  const { rows } = await c.query<{ id: string }>(
    `update content_targets set create_started_at = case when create_started_by is not distinct from $3 and create_started_at is not null then create_started_at else now() end,
       create_started_by = $3, updated_at = now()
     where org_id = $1 and id = any($2::uuid[])
       and (create_started_at is null or create_started_by is not distinct from $3 or create_started_at < now() - make_interval(secs => $4))
     returning id`,
    [orgId, targetIds, token, settleMs / 1000],
  );
  return new Set(rows.map((r) => r.id));
}

/** An item's copy on one site, as API clients see it. */
export interface ItemTargetView {
  connection_id: string;
  provider: string;
  remote_id: string | null;
  state: TargetRow['state'];
  remote_version: string | null;
  remote_modified_at: Date | null;
  last_synced_at: Date | null;
  last_error: RecordedError | null;
}

/** The item's copy on one site, if it has one there. */
export async function targetOn(
  c: Queryable,
  orgId: string,
  itemId: string,
  connectionId: string,
): Promise<TargetRow | null> {
  return (
    (await firstRow<TargetRow>(
      c,
      'select * from content_targets where org_id = $1 and item_id = $2 and connection_id = $3',
      [orgId, itemId, connectionId],
    )) ?? null
  );
}

/** Every site the item has a copy on, oldest first. */
export async function listItemTargets(c: Queryable, orgId: string, itemId: string): Promise<ItemTargetView[]> {
  const { rows } = await c.query<ItemTargetView>(
    `select t.connection_id, k.provider, t.remote_id, t.state, t.remote_version, t.remote_modified_at, t.last_synced_at, t.last_error
     from content_targets t join connections k on k.org_id = t.org_id and k.id = t.connection_id
     where t.org_id = $1 and t.item_id = $2 order by t.created_at`,
    [orgId, itemId],
  );
  return rows;
}

/** The item's copies a hub edit must reach: on the site, and neither deleted there, rolled back nor failed. */
export async function syncableTargets(
  c: Queryable,
  orgId: string,
  itemId: string,
): Promise<{ id: string; connection_id: string }[]> {
  const { rows } = await c.query<{ id: string; connection_id: string }>(
    "select id, connection_id from content_targets where org_id = $1 and item_id = $2 and remote_id is not null and state in ('synced', 'pending', 'conflict')",
    [orgId, itemId],
  );
  return rows;
}
