import { setTimeout as sleep } from 'node:timers/promises';
import { recordAudit, type Actor } from '../audit/record.ts';
import type { Logger } from '../core/logger.ts';
import { deleteConnection } from '../connections/disconnect.ts';
import type { RefreshDeps } from '../connections/refresh.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { withTx } from '../db/tx.ts';
import { heldOrgJobs, removeIdleOrgJobs } from '../jobs/org-jobs.ts';

/** System records (an erasure's) live under the nil org, which no API key belongs to. */
export const SYSTEM_ORG = '00000000-0000-0000-0000-000000000000';

export interface ErasureResult {
  connections_revoked: number;
  rows_deleted: number;
  tables: number;
}

/**
 * Erases an organisation, in this order:
 * 1. its queued jobs go, so nothing starts on its behalf meanwhile;
 * 2. each connection is revoked at its platform where the platform allows (best effort);
 * 3. its org key is destroyed: every sealed secret of the org, and any copy of one in a backup
 *    or replica, can no longer be opened;
 * 4. jobs a worker is running for it are given a bounded time to end (without its key and
 *    connections they fail fast), so none writes a row after the rows are gone;
 * 5. every row with its org_id, in every table (found in the catalog, so a table added later is
 *    covered), then the org itself, in one transaction with the erasure's audit record, which
 *    names the org id and counts only.
 * Undefined when there is no such org.
 */
export async function eraseOrg(
  deps: RefreshDeps & { log: Logger },
  orgId: string,
  actor: Actor,
  requestId?: string,
): Promise<ErasureResult | undefined> {
  const owner = deps.db.owner;
  const { rows: found } = await owner.query('select 1 from orgs where id = $1', [orgId]);
  if (!found.length) return undefined;

  await removeIdleOrgJobs(owner, orgId);

  const { rows: conns } = await owner.query<{ id: string }>(
    "select id from connections where org_id = $1 and status <> 'deleted' and credentials is not null",
    [orgId],
  );
  let revoked = 0;
  for (const c of conns) {
    const r = await deleteConnection(deps, orgId, c.id, { actor: { type: 'system', id: 'org-erasure' } });
    if (r?.revoked) revoked++;
  }

  if (deps.keyring.orgKeys) await deps.keyring.orgKeys.destroy(orgId);
  else await owner.query('delete from org_keys where org_id = $1', [orgId]);
  await jobsSettled(owner, orgId);

  return withTx(owner, async (c) => {
    // The trail is append-only; only this transaction (and the retention pruner) may delete from it.
    await c.query("set local plexus.audit_purge = 'on'");
    let rowsDeleted = 0;
    const tables = await orgTablesInDeleteOrder(c);
    for (const t of tables)
      rowsDeleted += (await c.query(`delete from ${quoteIdent(t)} where org_id = $1`, [orgId])).rowCount ?? 0;
    rowsDeleted += (await c.query('delete from orgs where id = $1', [orgId])).rowCount ?? 0;
    // Jobs a worker held during the erasure (now finished or failed) go too.
    await removeIdleOrgJobs(c, orgId);
    const result = { connections_revoked: revoked, rows_deleted: rowsDeleted, tables: tables.length + 1 };
    await recordAudit(c, SYSTEM_ORG, {
      actor,
      action: 'org.erase',
      target: { type: 'org', id: orgId },
      details: { ...result },
      ...(requestId ? { requestId } : {}),
    });
    return result;
  });
}

/**
 * Every public table with an org_id column, children before the tables their foreign keys
 * point at, so each delete finds nothing that still references it.
 */
async function orgTablesInDeleteOrder(c: PoolClient): Promise<string[]> {
  const { rows: tables } = await c.query<{ name: string }>(
    "select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'org_id' and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')",
  );
  const { rows: fks } = await c.query<{ child: string; parent: string }>(
    `select cl.relname as child, pl.relname as parent from pg_constraint k
       join pg_class cl on cl.oid = k.conrelid join pg_class pl on pl.oid = k.confrelid
       join pg_namespace n on n.oid = cl.relnamespace
     where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`,
  );
  const left = new Set(tables.map((t) => t.name));
  const order: string[] = [];
  while (left.size) {
    // A table may go once no remaining table references it.
    const ready = [...left].filter((t) => !fks.some((f) => f.parent === t && left.has(f.child)));
    const next = ready.length ? ready : [...left]; // a cycle: cascades settle it
    for (const t of next.sort()) {
      order.push(t);
      left.delete(t);
    }
  }
  return order;
}

const SETTLE_MS = 30_000;

async function jobsSettled(owner: Pool, orgId: string): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    if (!(await heldOrgJobs(owner, orgId)) || Date.now() > deadline) return;
    await sleep(200);
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
