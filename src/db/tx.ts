import type { Pool, PoolClient } from './pool.ts';
import { inSpan } from '../observability/tracing.ts';

/** Runs `fn` in a transaction; commits when it resolves, rolls back when it throws. */
export function withTx<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inSpan('db.transaction', 'client', { 'db.system.name': 'postgresql' }, () => runTx(pool, 'begin', fn));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A transaction scoped to one organisation: row-level security sees only its rows. The
 * setting is transaction-local (`set local`), so a pooled connection never carries one org's
 * context into another request.
 */
export async function withOrgTx<T>(pool: Pool, orgId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  // Validated as a uuid, the org id is safe to inline, so BEGIN and the setting share one round trip.
  if (!UUID.test(orgId)) throw new Error('withOrgTx: org id is not a uuid');
  return inSpan('db.transaction', 'client', { 'db.system.name': 'postgresql', 'plexus.org_id': orgId }, () => runTx(pool, `begin; set local plexus.org_id = '${orgId.toLowerCase()}'`, fn));
}

/** One transaction on a pooled client, opened by `begin` (which may carry transaction-local settings). */
async function runTx<T>(pool: Pool, begin: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
