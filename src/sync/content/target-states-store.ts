import type { Queryable } from '../../db/pool.ts';
import type { ItemTargetView } from './targets.ts';

/** An item's copy on one site, as lists of many items show it. */
export interface TargetState extends ItemTargetView {
  item_id: string;
}

/** The state on every site of each of the org's items named (unknown ids and other orgs' give nothing). */
export async function targetStatesOf(c: Queryable, orgId: string, itemIds: readonly string[]): Promise<TargetState[]> {
  const { rows } = await c.query<TargetState>(
    `select t.item_id, t.connection_id, k.provider, t.remote_id, t.state, t.remote_version, t.remote_modified_at, t.last_synced_at, t.last_error
     from content_targets t join connections k on k.org_id = t.org_id and k.id = t.connection_id
     where t.org_id = $1 and t.item_id = any($2::uuid[]) order by t.item_id, t.created_at`,
    [orgId, itemIds],
  );
  return rows;
}
