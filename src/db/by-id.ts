import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool.ts';
import { firstRow } from './first-row.ts';

/**
 * The org's row with this id in `table` (its `columns` as a select list), or undefined: the
 * read by id that every store offers. Table and columns are the store's own constants.
 */
export async function orgRowById<T extends QueryResultRow>(
  c: Queryable,
  table: string,
  columns: string,
  orgId: string,
  id: string,
): Promise<T | undefined> {
  return firstRow<T>(c, `select ${columns} from ${table} where org_id = $1 and id = $2`, [orgId, id]);
}
