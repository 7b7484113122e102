import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { exited, spawnTs } from '../../test/helpers/process.ts';
import { loadMigrations, migrate, MigrationError, MIGRATIONS_DIR } from './migrate.ts';
import { createPool, type Pool } from './pool.ts';

test('two processes migrating an empty database at once: both succeed, each migration applied once', async () => {
  const db = await createEmptyDatabase();
  try {
    const procs = [0, 1, 2].map(() => spawnTs('test/fixtures/migrate-process.ts', { TEST_OWNER_URL: db.url }));
    const codes = await Promise.all(procs.map(exited));
    assert.deepEqual(codes, [0, 0, 0], procs.map((p) => p.output()).join('\n'));
    const applied = procs.map((p) => JSON.parse(p.output().trim().split('\n').pop()!).applied as number);
    const total = (await loadMigrations()).length;
    assert.deepEqual(applied.sort(), [0, 0, total], 'exactly one process applied the migrations');
    const pool = createPool(db.url, { max: 1 });
    try {
      const { rows } = await pool.query('select id, count(*)::int as n from plexus_migrations group by id');
      assert.equal(rows.length, total);
      assert.ok(rows.every((r) => r.n === 1));
    } finally {
      await pool.end();
    }
  } finally {
    await db.drop();
  }
});

/** An empty database and a copy of the migrations folder for the test to edit; both go afterwards. */
async function withMigrationsCopy(fn: (pool: Pool, dir: string) => Promise<void>): Promise<void> {
  const db = await createEmptyDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plexus-mig-'));
  const pool = createPool(db.url, { max: 3 });
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await fn(pool, dir);
  } finally {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
}

test('an edited migration that was already applied stops start-up with a clear error', () =>
  withMigrationsCopy(async (pool, dir) => {
    await migrate(pool, dir);
    const first = (await readdir(dir)).sort()[0]!;
    await appendFile(path.join(dir, first), '\n-- edited\n');
    await assert.rejects(
      migrate(pool, dir),
      (e: unknown) => e instanceof MigrationError && e.message.includes(first) && /edited/.test(e.message),
    );
  }));

test('a database ahead of this code is refused; a failed migration applies nothing', () =>
  withMigrationsCopy(async (pool, dir) => {
    await writeFile(path.join(dir, '0900_future.sql'), 'create table future_thing (id int);');
    await writeFile(
      path.join(dir, '0901_broken.sql'),
      'create table ok_before_error (id int); select no_such_function();',
    );
    await assert.rejects(migrate(pool, dir), /no_such_function/);
    const { rows } = await pool.query(
      "select to_regclass('future_thing') as a, to_regclass('ok_before_error') as b, to_regclass('plexus_migrations') as m",
    );
    assert.equal(rows[0].a, null, 'all pending migrations share one transaction');
    assert.equal(rows[0].b, null);
    await rm(path.join(dir, '0901_broken.sql'));
    await migrate(pool, dir);
    await assert.rejects(migrate(pool), (e: unknown) => e instanceof MigrationError && /does not know/.test(e.message));
  }));
