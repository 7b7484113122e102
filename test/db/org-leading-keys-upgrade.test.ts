/**
 * Migration 0020 (content keys led by org_id) applied to a database that already holds content:
 * rows stay, the new keys hold as the old ones did, and a row pointing into another org stops
 * the migration with nothing applied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { createEmptyDatabase } from '../helpers/db.ts';

const TABLES = [
  'content_items',
  'content_targets',
  'content_conflicts',
  'content_media_targets',
  'content_poll_state',
  'publish_batches',
  'publish_batch_items',
];

/** An empty database migrated up to 0019, the schema 0020 finds in place. */
async function before0020(fn: (pool: Pool) => Promise<void>): Promise<void> {
  const db = await createEmptyDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plexus-mig-'));
  const pool = createPool(db.url, { max: 2 });
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true, filter: (src) => !path.basename(src).startsWith('0020_') });
    await migrate(pool, dir);
    await fn(pool);
  } finally {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
}

/** One org with a connection, an item synced there with an open conflict, a batch, media and a watermark. */
async function seedOrg(pool: Pool, name: string): Promise<{ org: string; conn: string; item: string; target: string }> {
  const q = async (sql: string, args: unknown[]) => (await pool.query<{ id: string }>(sql, args)).rows[0]?.id ?? '';
  const org = await q('insert into orgs (name) values ($1) returning id', [name]);
  const conn = await q("insert into connections (org_id, provider) values ($1, 'wordpress') returning id", [org]);
  const item = await q("insert into content_items (org_id, kind, slug) values ($1, 'post', $2) returning id", [
    org,
    `${name}-post`,
  ]);
  const target = await q(
    "insert into content_targets (org_id, item_id, connection_id, kind, remote_id) values ($1, $2, $3, 'post', '17') returning id",
    [org, item, conn],
  );
  await q(
    "insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version) values ($1, $2, $3, '[]', '{}', 1)",
    [org, item, target],
  );
  const batch = await q('insert into publish_batches (org_id) values ($1) returning id', [org]);
  await q(
    'insert into publish_batch_items (org_id, batch_id, seq, item_id, connection_id) values ($1, $2, 1, $3, $4)',
    [org, batch, item, conn],
  );
  await q("insert into content_media_targets (org_id, connection_id, sha256, remote_id) values ($1, $2, 'abc', '5')", [
    org,
    conn,
  ]);
  await q("insert into content_poll_state (org_id, connection_id, kind, watermark) values ($1, $2, 'post', 'w')", [
    org,
    conn,
  ]);
  return { org, conn, item, target };
}

async function counts(pool: Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await pool.query<{ n: number }>(`select count(*)::int as n from ${t}`)).rows[0]!.n;
  return out;
}

test('0020 on populated content tables keeps every row, and the new keys refuse what the old ones did', async () => {
  await before0020(async (pool) => {
    const a = await seedOrg(pool, 'a');
    const b = await seedOrg(pool, 'b');
    const before = await counts(pool);
    assert.deepEqual((await migrate(pool)).applied, ['0020_org_leading_keys.sql']);
    assert.deepEqual(await counts(pool), before);

    const code = (e: unknown) => (e as { code?: string }).code;
    await assert.rejects(
      pool.query("insert into content_targets (org_id, item_id, connection_id, kind) values ($1, $2, $3, 'post')", [
        a.org,
        a.item,
        a.conn,
      ]),
      (e) => code(e) === '23505',
      'one target per item and connection',
    );
    await assert.rejects(
      pool.query(
        "insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version) values ($1, $2, $3, '[]', '{}', 2)",
        [a.org, a.item, a.target],
      ),
      (e) => code(e) === '23505',
      'one open conflict per target',
    );
    await assert.rejects(
      pool.query("insert into content_targets (org_id, item_id, connection_id, kind) values ($1, $2, $3, 'post')", [
        b.org,
        a.item,
        b.conn,
      ]),
      (e) => code(e) === '23503',
      "a target of org b cannot name org a's item",
    );

    // The upserts of the sync code name the new keys.
    await pool.query(
      "insert into content_targets (org_id, item_id, connection_id, kind) values ($1, $2, $3, 'post') on conflict (org_id, item_id, connection_id) do update set updated_at = content_targets.updated_at",
      [a.org, a.item, a.conn],
    );
    await pool.query(
      "insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version) values ($1, $2, $3, '[]', '{}', 3) on conflict (org_id, target_id) where status = 'open' do update set hub_version = excluded.hub_version",
      [a.org, a.item, a.target],
    );
    assert.equal(
      (await pool.query('select hub_version from content_conflicts where target_id = $1', [a.target])).rows[0]
        .hub_version,
      3,
    );

    await pool.query('delete from content_items where org_id = $1 and id = $2', [a.org, a.item]);
    const after = await counts(pool);
    for (const t of ['content_targets', 'content_conflicts', 'publish_batch_items'])
      assert.equal(after[t], before[t]! - 1, `${t}: the item's rows go with it`);
  });
});

test('0020 stops at a row that points into another org, and applies nothing', async () => {
  await before0020(async (pool) => {
    const a = await seedOrg(pool, 'a');
    const b = await seedOrg(pool, 'b');
    // Possible before 0020: the old foreign key named the item's id alone.
    await pool.query("insert into content_targets (org_id, item_id, connection_id, kind) values ($1, $2, $3, 'post')", [
      b.org,
      a.item,
      b.conn,
    ]);
    await assert.rejects(migrate(pool), /content_targets_item_fkey/);
    const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from plexus_migrations where id = 20');
    assert.equal(rows[0]!.n, 0);
    const pk = await pool.query<{ def: string }>(
      "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'content_items_pkey'",
    );
    assert.equal(pk.rows[0]!.def, 'PRIMARY KEY (id)');
  });
});
