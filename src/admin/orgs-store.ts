import type { Pool } from '../db/pool.ts';
import { cursorParams, type Cursor } from '../db/keyset.ts';

export interface OrgSummaryRow {
  id: string;
  name: string;
  created_at: Date;
  connections: number;
  active_api_keys: number;
  dead_letters: number;
}

// Counts per org across tenants: a system read, so it runs as the owner (no org setting).
const SELECT = `select o.id, o.name, o.created_at,
    (select count(*)::int from connections c where c.org_id = o.id and c.status <> 'deleted') as connections,
    (select count(*)::int from api_keys k where k.org_id = o.id and k.revoked_at is null) as active_api_keys,
    (select count(*)::int from dead_letters d where d.org_id = o.id and d.replayed_at is null) as dead_letters
  from orgs o`;

/** Organisations newest first, optionally those whose name contains `q` (any case); limit + 1 rows. */
export async function listOrgSummaries(
  owner: Pool,
  opts: { q?: string | undefined; cursor?: Cursor | undefined; limit: number },
): Promise<OrgSummaryRow[]> {
  const pattern = opts.q ? `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await owner.query<OrgSummaryRow>(
    `${SELECT} where ($1::timestamptz is null or (o.created_at, o.id) < ($1, $2::uuid)) and ($3::text is null or o.name ilike $3)
     order by o.created_at desc, o.id desc limit $4`,
    [...cursorParams(opts.cursor), pattern, opts.limit + 1],
  );
  return rows;
}

export async function getOrgSummary(owner: Pool, id: string): Promise<OrgSummaryRow | undefined> {
  return (await owner.query<OrgSummaryRow>(`${SELECT} where o.id = $1`, [id])).rows[0];
}
