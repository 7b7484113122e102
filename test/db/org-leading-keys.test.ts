/**
 * Every tenant table (a table with an `org_id` column) keeps the path to a sharded PostgreSQL
 * open: with `org_id` as the distribution column, a primary key, a unique constraint or index
 * and a foreign key can only be enforced on one shard when `org_id` leads it (and, for a
 * foreign key, leads the referenced key too). Read from the catalog of a migrated database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.ts';
import { createTestDatabase } from '../helpers/db.ts';

/**
 * Deliberate exceptions, as "table.constraint_or_index". Each needs its reason here.
 * - org_retention and org_keys are keyed by org_id alone: led by it, so not listed.
 * - A foreign key to orgs(id) (a global table, no org_id) is led by org_id: not listed.
 */
const ALLOWED = new Set<string>([]);

interface KeyRow {
  table_name: string;
  key_name: string;
  kind: 'primary key' | 'unique' | 'foreign key' | 'unique index';
  first_column: string | null;
  referenced_table: string | null;
  referenced_first_column: string | null;
  referenced_has_org: boolean | null;
}

// Keys of tables with an org_id column outside the system schemas: constraints (p, u, f) with
// their first column (and the referenced table's), and unique indexes that back no constraint.
const KEYS_SQL = `
  with tenant as (
    select c.oid, c.relname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped
    where c.relkind in ('r', 'p') and n.nspname = 'public'
  )
  select t.relname as table_name, k.conname as key_name,
         case k.contype when 'p' then 'primary key' when 'u' then 'unique' else 'foreign key' end as kind,
         (select attname from pg_attribute where attrelid = k.conrelid and attnum = k.conkey[1]) as first_column,
         r.relname as referenced_table,
         (select attname from pg_attribute where attrelid = k.confrelid and attnum = k.confkey[1]) as referenced_first_column,
         case when k.contype = 'f' then exists (
           select 1 from pg_attribute where attrelid = k.confrelid and attname = 'org_id' and not attisdropped) end as referenced_has_org
  from tenant t
  join pg_constraint k on k.conrelid = t.oid and k.contype in ('p', 'u', 'f')
  left join pg_class r on r.oid = k.confrelid
  union all
  select t.relname, i.relname, 'unique index',
         (select attname from pg_attribute where attrelid = t.oid and attnum = x.indkey[0]),
         null, null, null
  from tenant t
  join pg_index x on x.indrelid = t.oid and x.indisunique
  join pg_class i on i.oid = x.indexrelid
  where not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u'))
  order by 1, 2`;

/** Why a key is not led by org_id, or null when it is. */
function fault(k: KeyRow): string | null {
  if (k.first_column !== 'org_id') return `${k.kind} led by ${k.first_column ?? 'an expression'}`;
  if (k.kind === 'foreign key' && k.referenced_has_org && k.referenced_first_column !== 'org_id') {
    return `foreign key to tenant table ${k.referenced_table} not referencing its (org_id, …) key`;
  }
  return null;
}

async function faults(db: Database): Promise<string[]> {
  const { rows } = await db.owner.query<KeyRow>(KEYS_SQL);
  return rows.flatMap((k) => {
    const why = fault(k);
    return why && !ALLOWED.has(`${k.table_name}.${k.key_name}`) ? [`${k.table_name}.${k.key_name}: ${why}`] : [];
  });
}

let db: Database;
before(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
after(async () => {
  await db.close();
});

test('every primary key, unique key and foreign key of a tenant table is led by org_id', async () => {
  const { rows } = await db.owner.query<{
    n: number;
  }>(`select count(distinct attrelid)::int as n from pg_attribute a join pg_class c on c.oid = a.attrelid
    join pg_namespace s on s.oid = c.relnamespace where a.attname = 'org_id' and c.relkind = 'r' and s.nspname = 'public'`);
  assert.ok(rows[0]!.n >= 20, `the catalog query sees the tenant tables (found ${rows[0]!.n})`);
  assert.deepEqual(await faults(db), []);
});

test('the check finds keys and unique indexes not led by org_id, and a foreign key to a tenant table by id alone', async () => {
  await db.owner.query(
    'create table keys_probe (org_id uuid not null, id uuid not null, other uuid not null, primary key (id), unique (other, org_id))',
  );
  await db.owner.query('create unique index keys_probe_other on keys_probe (lower(other::text))');
  await db.owner.query(
    'create table keys_probe_parent (org_id uuid not null, id uuid not null, unique (id), primary key (org_id, id))',
  );
  await db.owner.query('alter table keys_probe add foreign key (org_id) references keys_probe_parent (id)');
  try {
    const found = (await faults(db)).filter((f) => f.startsWith('keys_probe'));
    assert.ok(found.includes('keys_probe.keys_probe_pkey: primary key led by id'), found.join('\n'));
    assert.ok(found.includes('keys_probe.keys_probe_other_org_id_key: unique led by other'), found.join('\n'));
    assert.ok(found.includes('keys_probe.keys_probe_other: unique index led by an expression'), found.join('\n'));
    assert.ok(
      found.includes(
        'keys_probe.keys_probe_org_id_fkey: foreign key to tenant table keys_probe_parent not referencing its (org_id, …) key',
      ),
      found.join('\n'),
    );
    assert.ok(found.includes('keys_probe_parent.keys_probe_parent_id_key: unique led by id'), found.join('\n'));
  } finally {
    await db.owner.query('drop table keys_probe, keys_probe_parent');
  }
});
