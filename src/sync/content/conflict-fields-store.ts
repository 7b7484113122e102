import type { Queryable } from '../../db/pool.ts';

/** One field of a conflict: its value at the last sync (base), in the hub and on the site. */
export interface ConflictField {
  field: string;
  base: unknown;
  hub: unknown;
  remote: unknown;
}

/** The conflict's fields, or null when the org has no such conflict. */
export async function conflictFields(c: Queryable, orgId: string, id: string): Promise<ConflictField[] | null> {
  const { rows } = await c.query<{ fields: ConflictField[] }>(
    'select fields from content_conflicts where org_id = $1 and id = $2',
    [orgId, id],
  );
  return rows[0]?.fields ?? null;
}
