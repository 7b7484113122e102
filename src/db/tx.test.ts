import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../test/helpers/db.ts';
import type { Database } from './database.ts';
import { withOrgTx, withTx } from './tx.ts';

let db: Database;
before(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
after(() => db.close());

const setting = (c: { query: Database['owner']['query'] }, name: string) =>
  c.query<{ v: string | null }>('select current_setting($1, true) as v', [name]).then((r) => r.rows[0]!.v);

test('transaction-local settings hold inside the transaction and are gone after it', async () => {
  assert.equal(await withTx(db.owner, (c) => setting(c, 'synchronous_commit'), { synchronous_commit: 'off' }), 'off');
  const orgId = randomUUID();
  assert.equal(await withOrgTx(db.app, orgId, (c) => setting(c, 'plexus.org_id')), orgId);
  // The pool hands back the same connections: nothing carries over.
  for (let i = 0; i < 2; i++) assert.ok(['', null].includes(await withTx(db.app, (c) => setting(c, 'plexus.org_id'))));
});

test('a throw rolls back; a setting that is not a plain word and an org id that is not a uuid are refused before any query', async () => {
  await db.owner.query('create table tx_probe (n int)');
  await assert.rejects(
    withTx(db.owner, async (c) => {
      await c.query('insert into tx_probe values (1)');
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.equal((await db.owner.query('select count(*)::int as n from tx_probe')).rows[0].n, 0);
  await assert.rejects(
    withTx(db.owner, async () => 1, { synchronous_commit: "off'; drop table tx_probe; --" }),
    /not a plain word/,
  );
  await assert.rejects(
    withOrgTx(db.app, "x'; select 1; --", async () => 1),
    /not a uuid/,
  );
  assert.equal((await db.owner.query("select to_regclass('tx_probe') is not null as here")).rows[0].here, true);
});
