import type { Pool } from '../db/pool.ts';
import type { Cursor } from '../db/keyset.ts';

/** An organisation with the counts an operator looks at first. */
export interface OrgSummaryRow {
  id: string;
  name: string;
  created_at: Date;
  /** Connections not deleted. */
  connections: number;
  /** API keys not revoked. */
  active_api_keys: number;
  /** Dead letters not replayed. */
  dead_letters: number;
}

// Counts per org across tenants: a system read, so it runs on the owner pool (no org setting).
const SELECT = `select o.id, o.name, o.created_at,
    (select count(*)::int from connections c where c.org_id = o.id and c.status <> 'deleted') as connections,
    (select count(*)::int from api_keys k where k.org_id = o.id and k.revoked_at is null) as active_api_keys,
    (select count(*)::int from dead_letters d where d.org_id = o.id and d.replayed_at is null) as dead_letters
  from orgs o`;

/** Every organisation, newest first, after `cursor`. */
export async function listOrgSummaries(owner: Pool, cursor: Cursor | undefined, limit: number): Promise<OrgSummaryRow[]> {
  const { rows } = await owner.query<OrgSummaryRow>(
    `${SELECT} where ($1::timestamptz is null or (o.created_at, o.id) < ($1, $2::uuid)) order by o.created_at desc, o.id desc limit $3`,
    [cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows;
}

export async function getOrgSummary(owner: Pool, id: string): Promise<OrgSummaryRow | undefined> {
  const { rows } = await owner.query<OrgSummaryRow>(`${SELECT} where o.id = $1`, [id]);
  return rows[0];
}
