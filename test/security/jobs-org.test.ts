/**
 * The application role cannot enqueue a job without an org: not outside an org transaction,
 * not with a payload that omits `org_id` or sets it to null, in one job or many. The owner's
 * system work (no org set) still enqueues.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withOrgTx } from '../../src/db/tx.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';

let ctx: TestContext;
let org: { id: string };
before(async () => {
  ctx = await createTestContext();
  org = await newOrg(ctx);
});
after(async () => ctx?.close());

const one = (payload: unknown) => ["select plexus_enqueue('noop', $1::json)", [JSON.stringify(payload)]] as const;
const many = (payload: unknown) =>
  ['select plexus_enqueue_many($1::jsonb)', [JSON.stringify([{ task: 'noop', payload }])]] as const;

test('the app role outside an org transaction cannot enqueue a job without org_id', async () => {
  for (const [sql, params] of [one({}), one({ org_id: null }), many({}), many({ org_id: null })]) {
    const c = await ctx.db.app.connect();
    try {
      await assert.rejects(c.query(sql, [...params]), /org/, sql);
    } finally {
      c.release();
    }
  }
  const { rows } = await ctx.db.owner.query(
    "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'noop'",
  );
  assert.equal(rows[0].n, 0);
});

test('inside its org transaction the app role still cannot enqueue a job without org_id', async () => {
  for (const [sql, params] of [one({}), many({ org_id: null })]) {
    await assert.rejects(
      withOrgTx(ctx.db.app, org.id, (c) => c.query(sql, [...params])),
      /org/,
    );
  }
});

test('the app role enqueues for its own org, and the owner enqueues system work', async () => {
  await withOrgTx(ctx.db.app, org.id, (c) => c.query(one({ org_id: org.id })[0], [...one({ org_id: org.id })[1]]));
  await ctx.db.owner.query(one({ system: true })[0], [...one({ system: true })[1]]);
  const { rows } = await ctx.db.owner.query(
    "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'noop'",
  );
  assert.equal(rows[0].n, 2);
});
