import type { Pool, PoolClient } from './pool.ts';
import { inSpan } from '../observability/tracing.ts';

/**
 * Transaction-local settings (`set local`), sent with BEGIN in one round trip. They are inlined,
 * so names and values are restricted to plain words: code constants and validated ids only.
 */
export type TxSettings = Readonly<Record<string, string>>;

const SETTING_NAME = /^[a-z_]+(\.[a-z_]+)?$/;
const SETTING_VALUE = /^[a-z0-9_-]+$/;

/** Runs `fn` in a transaction; commits when it resolves, rolls back when it throws. */
export function withTx<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, settings: TxSettings = {}): Promise<T> {
  return inSpan('db.transaction', 'client', { 'db.system.name': 'postgresql' }, () => runTx(pool, settings, fn));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A transaction scoped to one organisation: row-level security sees only its rows. The
 * setting is transaction-local, so a pooled connection never carries one org's context into
 * another request.
 */
export async function withOrgTx<T>(pool: Pool, orgId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  if (!UUID.test(orgId)) throw new Error('withOrgTx: org id is not a uuid');
  return inSpan('db.transaction', 'client', { 'db.system.name': 'postgresql', 'plexus.org_id': orgId }, () =>
    runTx(pool, { 'plexus.org_id': orgId.toLowerCase() }, fn),
  );
}

function beginWith(settings: TxSettings): string {
  let sql = 'begin';
  for (const [name, value] of Object.entries(settings)) {
    if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(value))
      throw new Error(`transaction setting ${name} is not a plain word`);
    sql += `; set local ${name} = '${value}'`;
  }
  return sql;
}

/** One transaction on a pooled client. */
async function runTx<T>(pool: Pool, settings: TxSettings, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const begin = beginWith(settings);
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
