import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '../db/pool.ts';
import { withTx } from '../db/tx.ts';
import { RETENTION_DEFAULTS, RETENTION_POLICIES, type RetentionPolicy } from './policies.ts';

export interface PruneOptions {
  /** rows per statement: each batch is its own short transaction */
  batchSize?: number;
  /** batches per table per run; the next run carries on */
  maxBatches?: number;
  /** pause between batches, so pruning yields to the hot paths */
  pauseMs?: number;
  policies?: readonly RetentionPolicy[];
}

export interface PruneResult {
  /** rows deleted or cleared, by table */
  pruned: Record<string, number>;
  /** policies whose table is not in this database */
  skipped: string[];
}

/**
 * Prunes every org's expired rows, table by table, in small batches of rows no one holds
 * (SKIP LOCKED), each batch its own transaction. Runs as the owner (cross-org system work).
 */
export async function pruneExpired(owner: Pool, opts: PruneOptions = {}): Promise<PruneResult> {
  const batchSize = opts.batchSize ?? 500;
  const maxBatches = opts.maxBatches ?? 40;
  const result: PruneResult = { pruned: {}, skipped: [] };
  for (const policy of opts.policies ?? RETENTION_POLICIES) {
    const age = await ageColumnOf(owner, policy);
    if (!age) {
      result.skipped.push(policy.table);
      continue;
    }
    const sql = pruneStatement(policy, age, batchSize, await shortestDays(owner, policy));
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await runBatch(owner, sql, policy.auditPurge === true);
      total += n;
      if (n < batchSize) break;
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
    result.pruned[policy.table] = (result.pruned[policy.table] ?? 0) + total;
  }
  return result;
}

/** The first candidate age column the table has; undefined when the table is not there. */
async function ageColumnOf(owner: Pool, p: RetentionPolicy): Promise<string | undefined> {
  const candidates = typeof p.ageColumn === 'string' ? [p.ageColumn] : [...p.ageColumn];
  const { rows } = await owner.query<{ column_name: string }>(
    "select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name = any($2) and exists (select 1 from information_schema.columns o where o.table_schema = 'public' and o.table_name = $1 and o.column_name = 'org_id')",
    [p.table, candidates],
  );
  return candidates.find((c) => rows.some((r) => r.column_name === c));
}

/** The shortest retention any org has for the kind: rows younger than that are never read. */
async function shortestDays(owner: Pool, p: RetentionPolicy): Promise<number> {
  const { rows } = await owner.query<{ d: number | null }>(
    'select min((days ->> $1)::int) as d from org_retention where days ? $1',
    [p.kind],
  );
  return Math.min(RETENTION_DEFAULTS[p.kind], rows[0]?.d ?? Infinity);
}

function pruneStatement(p: RetentionPolicy, age: string, batchSize: number, shortest: number): string {
  const days = `coalesce((r.days ->> '${p.kind}')::int, ${RETENTION_DEFAULTS[p.kind]})`;
  const doomed = `select t.ctid from ${p.table} t left join org_retention r on r.org_id = t.org_id
    where t.${age} < now() - make_interval(days => ${shortest}) and t.${age} < now() - make_interval(days => ${days})
      ${p.where ? `and (${p.where})` : ''}
    limit ${batchSize} for update of t skip locked`;
  const target = `ctid = any(array(${doomed}))`;
  return p.clear ? `update ${p.table} set ${p.clear} where ${target}` : `delete from ${p.table} where ${target}`;
}

async function runBatch(owner: Pool, sql: string, auditPurge: boolean): Promise<number> {
  if (!auditPurge) return (await owner.query(sql)).rowCount ?? 0;
  return withTx(owner, async (c) => (await c.query(sql)).rowCount ?? 0, { 'plexus.audit_purge': 'on' });
}
