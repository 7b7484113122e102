import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool.ts';

/**
 * The first row a query answers, or undefined: what a store returns for a read by key, or for a
 * write that returns the one row it touched.
 */
export async function firstRow<T extends QueryResultRow>(
  c: Queryable,
  text: string,
  values?: unknown[],
): Promise<T | undefined> {
  const { rows } = await c.query<T>(text, values);
  return rows[0];
}
