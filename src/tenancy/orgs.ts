import type { Pool, Queryable } from '../db/pool.ts';
import { withTx } from '../db/tx.ts';
import { createApiKey } from './api-keys.ts';
import { firstRow } from '../db/first-row.ts';

export interface OrgRow {
  id: string;
  name: string;
  created_at: Date;
}

/**
 * Creating an org is a system action (admin token or CLI), not a tenant one, so it runs as
 * the owner; the first key is created inside the same transaction under the new org's RLS
 * context so the org never exists without a way in.
 */
export async function createOrg(owner: Pool, name: string): Promise<{ org: OrgRow; apiKey: string }> {
  return withTx(owner, async (client) => {
    const { rows } = await client.query<OrgRow>('insert into orgs (name) values ($1) returning id, name, created_at', [
      name,
    ]);
    const org = rows[0]!;
    await client.query("select set_config('plexus.org_id', $1, true)", [org.id]);
    const { key } = await createApiKey(client, org.id, 'default');
    return { org, apiKey: key };
  });
}

export async function countOrgs(owner: Pool): Promise<number> {
  const { rows } = await owner.query<{ n: number }>('select count(*)::int as n from orgs');
  return rows[0]?.n ?? 0;
}

/** The org itself, read in its own org transaction. */
export async function getOrg(c: Queryable, orgId: string): Promise<OrgRow | undefined> {
  return firstRow<OrgRow>(c, 'select id, name, created_at from orgs where id = $1', [orgId]);
}

export async function renameOrg(c: Queryable, orgId: string, name: string): Promise<OrgRow | undefined> {
  return firstRow<OrgRow>(c, 'update orgs set name = $2 where id = $1 returning id, name, created_at', [orgId, name]);
}
