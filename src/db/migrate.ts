import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type { Pool } from './pool.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

// One key for every Plexus process on this database: whoever holds it migrates, the rest wait.
const MIGRATION_LOCK_KEY = 0x706c6578; // "plex"

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    const id = Number(file.slice(0, 4));
    if (out.some((m) => m.id === id)) throw new MigrationError(`two migrations share number ${id}`);
    out.push({ id, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Brings the database to the newest schema: graphile-worker's own migrations, then ours,
 * all pending ones in one transaction, serialised by an advisory lock so concurrent starts
 * never race. An applied migration whose file changed, or a database that is ahead of this
 * code, stops start-up with a clear error instead of running on a schema we do not know.
 */
export async function migrate(ownerPool: Pool, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  const client = await ownerPool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await runWorkerMigrations({ pgPool: ownerPool, logger: silentWorkerLogger });
    await client.query('begin');
    await client.query(`create table if not exists plexus_migrations (
      id int primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
      'select id, name, checksum from plexus_migrations order by id',
    );
    const known = new Map(migrations.map((m) => [m.id, m]));
    for (const row of rows) {
      const m = known.get(row.id);
      if (!m) {
        throw new MigrationError(
          `database has migration ${row.name} that this version of Plexus does not know; run a newer Plexus`,
        );
      }
      if (m.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${m.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)} in the database, ${m.checksum.slice(0, 12)} on disk); add a new migration instead`,
        );
      }
    }
    const done = new Set(rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('insert into plexus_migrations (id, name, checksum) values ($1, $2, $3)', [
        m.id,
        m.name,
        m.checksum,
      ]);
      applied.push(m.name);
    }
    await client.query('commit');
    return { applied };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

const silentWorkerLogger = new WorkerLogger(() => () => undefined);
