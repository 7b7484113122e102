import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { appRolePassword, APP_ROLE } from '../../src/db/app-role.ts';
import type { Database } from '../../src/db/database.ts';
import { createPool, withCredentials, withDatabase } from '../../src/db/pool.ts';

export const TEMPLATE_DB = 'plexus_template';

export function adminUrl(): string {
  const url = process.env.PLEXUS_TEST_ADMIN_URL;
  if (!url) throw new Error('PLEXUS_TEST_ADMIN_URL is not set: run tests with `npm test`, which starts PostgreSQL');
  return url;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database cloned from the migrated template: this test file's own, dropped on close. */
export async function createTestDatabase(opts: { poolMax?: number } = {}): Promise<Database> {
  const name = `plexus_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ${TEMPLATE_DB}`));
  const ownerUrl = withDatabase(adminUrl(), name);
  const appUrl = withCredentials(ownerUrl, APP_ROLE, appRolePassword(withDatabase(adminUrl(), TEMPLATE_DB), undefined));
  const owner = createPool(ownerUrl, { max: opts.poolMax ?? 6 });
  const app = createPool(appUrl, { max: opts.poolMax ?? 6 });
  return {
    owner,
    app,
    ownerUrl,
    appUrl,
    embedded: false,
    async close() {
      await app.end().catch(() => undefined);
      await owner.end().catch(() => undefined);
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** An empty database (no migrations), for tests of the migrator itself. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `plexus_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return {
    url: withDatabase(adminUrl(), name),
    drop: () => admin(async (c) => void (await c.query(`drop database if exists ${name} with (force)`))),
  };
}
