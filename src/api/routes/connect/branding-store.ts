import type { Pool } from '../../../db/pool.ts';
import { withOrgTx } from '../../../db/tx.ts';
import type { Branding } from './layout.ts';

/** The org's name on its connect pages (read in the org's own RLS context). */
export async function loadBranding(app: Pool, orgId: string): Promise<Branding> {
  const { rows } = await withOrgTx(app, orgId, (c) => c.query<{ name: string }>('select name from orgs where id = $1', [orgId]));
  return { name: rows[0]?.name ?? '' };
}
