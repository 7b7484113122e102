import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withOrgTx } from '../db/tx.ts';
import { createTestContext, newOrg, type TestContext } from '../../test/helpers/app.ts';
import { recordAudit } from './record.ts';

let ctx: TestContext;
let org: { id: string; key: string };
before(async () => {
  ctx = await createTestContext();
  org = await newOrg(ctx);
  await withOrgTx(ctx.db.app, org.id, (c) =>
    recordAudit(c, org.id, {
      actor: { type: 'system', id: 'test' },
      action: 'org.update',
      target: { type: 'org', id: org.id },
    }),
  );
});
after(() => ctx.close());

const refused = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

test('the application role can append to the trail and read it, but never change or remove an entry', async () => {
  const count = async () =>
    (await ctx.db.owner.query('select count(*)::int as n from audit_log where org_id = $1', [org.id])).rows[0]
      .n as number;
  assert.equal(await count(), 1);
  await withOrgTx(ctx.db.app, org.id, async (c) => {
    assert.equal((await c.query('select count(*)::int as n from audit_log')).rows[0].n, 1);
  });
  // No grant: permission denied (42501), even inside the org's own transaction.
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, (c) =>
      c.query("update audit_log set action = 'api_key.create' where org_id = $1", [org.id]),
    ),
    refused('42501'),
  );
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, (c) => c.query('delete from audit_log where org_id = $1', [org.id])),
    refused('42501'),
  );
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, (c) => c.query('truncate audit_log')),
    refused('42501'),
  );
  // Even setting the pruner's flag does not let the application role delete.
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, async (c) => {
      await c.query("set local plexus.audit_purge = 'on'");
      await c.query('delete from audit_log where org_id = $1', [org.id]);
    }),
    refused('42501'),
  );
  // It cannot write into another org's trail either.
  const other = await newOrg(ctx, 'Other');
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, (c) =>
      recordAudit(c, other.id, { actor: { type: 'system', id: 'x' }, action: 'org.update' }),
    ),
    refused('42501'),
  );
  assert.equal(await count(), 1);
});

test('the owner is held by the trigger too: no update, no truncate, and no delete without the purge flag', async () => {
  await assert.rejects(
    ctx.db.owner.query("update audit_log set action = 'api_key.create' where org_id = $1", [org.id]),
    /append-only/,
  );
  await assert.rejects(ctx.db.owner.query('delete from audit_log where org_id = $1', [org.id]), /append-only/);
  await assert.rejects(ctx.db.owner.query('truncate audit_log'), /append-only/);
  const { rows } = await ctx.db.owner.query('select action from audit_log where org_id = $1', [org.id]);
  assert.deepEqual(rows, [{ action: 'org.update' }]);
});
