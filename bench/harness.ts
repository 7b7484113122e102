/**
 * Shared bench set-up: a real PostgreSQL (embedded in a temp folder, or DATABASE_URL), a
 * fresh migrated database, and the app role, exactly as the service uses them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../src/core/logger.ts';
import { appRolePassword, ensureAppRole } from '../src/db/app-role.ts';
import type { Database } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool, withDatabase } from '../src/db/pool.ts';

export async function benchDatabase(name: string, poolMax = 24): Promise<Database> {
  const log = createLogger({ level: 'warn', name: 'bench' });
  let serverUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!serverUrl) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plexus-bench-'));
    const emb = await startEmbeddedPostgres({ dataDir: dir, preferredPort: 57000, log });
    serverUrl = emb.url;
    stop = () => emb.stop();
  }
  const dbName = `plexus_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const ownerUrl = withDatabase(serverUrl, dbName);
  const owner = createPool(ownerUrl, { max: poolMax });
  await migrate(owner);
  const appUrl = await ensureAppRole(owner, ownerUrl, appRolePassword(ownerUrl, undefined));
  const app = createPool(appUrl, { max: poolMax });
  return {
    owner,
    app,
    ownerUrl,
    appUrl,
    embedded: !!stop,
    async close() {
      await app.end();
      await owner.end();
      const a = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
      await stop?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function until(fn: () => Promise<boolean>, intervalMs = 20): Promise<void> {
  while (!(await fn())) await new Promise((r) => setTimeout(r, intervalMs));
}
