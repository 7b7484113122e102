/**
 * The admin read routes the console uses, called with the admin token as a script would:
 * their answers over real rows, and their refusals (bad input, unknown ids, a second replay,
 * no token, a console cookie that is not one of ours).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordDeadLetter, SYSTEM_ORG } from '../../src/jobs/dead-letter.ts';
import { auth, createTestContext, newOrg, TEST_ADMIN_TOKEN, type TestContext } from '../helpers/app.ts';

let ctx: TestContext;
const admin = auth(TEST_ADMIN_TOKEN);

const get = (url: string, headers: Record<string, string> = admin) => ctx.app.inject({ method: 'GET', url, headers });
const replay = (id: string) =>
  ctx.app.inject({ method: 'POST', url: `/v1/admin/dead-letters/${id}/replay`, headers: admin });

before(async () => {
  ctx = await createTestContext();
});
after(async () => {
  await ctx.close();
});

test('orgs: a name search that treats % and _ as letters', async () => {
  await newOrg(ctx, '100% Organic');
  await newOrg(ctx, '1000 Organic');
  const all = (await get('/v1/admin/orgs?q=organic')).json();
  assert.equal(all.data.length, 2);
  const literal = (await get(`/v1/admin/orgs?q=${encodeURIComponent('0%')}`)).json();
  assert.deepEqual(
    literal.data.map((o: { name: string }) => o.name),
    ['100% Organic'],
  );
  assert.equal((await get('/v1/admin/orgs?q=')).statusCode, 400);
});

test('dead letters across orgs: an org’s and a system job’s, each replayed once', async () => {
  const org = await newOrg(ctx, 'Replay Org');
  const common = { jobKey: null, queueName: null, attempts: 5, errorCode: 'internal_error', errorMessage: 'boom' };
  await recordDeadLetter(ctx.db.owner, { ...common, jobId: 7001, task: 'prune_retention', payload: {} });
  await recordDeadLetter(ctx.db.owner, {
    ...common,
    jobId: 7002,
    task: 'sync_connection',
    payload: { org_id: org.id, connection_id: '5e0c8a7b-2d4f-4a1b-9c3e-6f7a8b9c0d1e', reason: 'schedule' },
  });
  const list = (await get('/v1/admin/dead-letters?replayed=false')).json();
  const byTask = Object.fromEntries(list.data.map((d: { task: string }) => [d.task, d]));
  assert.equal(byTask.prune_retention.org_id, null);
  assert.equal(byTask.sync_connection.org_id, org.id);
  assert.equal(byTask.sync_connection.org_name, 'Replay Org');
  const mine = (await get(`/v1/admin/dead-letters?org_id=${org.id}`)).json();
  assert.deepEqual(
    mine.data.map((d: { task: string }) => d.task),
    ['sync_connection'],
  );

  for (const d of [byTask.prune_retention, byTask.sync_connection]) {
    const first = await replay(d.id);
    assert.equal(first.statusCode, 202, first.body);
    assert.ok(first.json().replay_job_id);
    const again = await replay(d.id);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'conflict');
  }
  assert.equal(
    (
      await ctx.db.owner.query(
        'select count(*)::int as n from dead_letters where org_id = $1 and replayed_at is null',
        [SYSTEM_ORG],
      )
    ).rows[0].n,
    0,
  );
  assert.equal((await replay('00000000-0000-4000-8000-000000000000')).statusCode, 404);
  assert.equal((await replay('not-a-uuid')).statusCode, 400);
  assert.equal((await get('/v1/admin/dead-letters?org_id=nope')).statusCode, 400);
});

test('platform rates and versions refuse bad input; health answers', async () => {
  assert.equal((await get('/v1/admin/platform-rates?hours=0')).statusCode, 400);
  assert.equal((await get('/v1/admin/platform-rates?hours=10000')).statusCode, 400);
  const rates = (await get('/v1/admin/platform-rates?hours=1')).json();
  assert.deepEqual(rates, { hours: 1, data: [] });
  const versions = (await get('/v1/admin/provider-versions')).json();
  assert.equal(versions.data.length, 12);
  const health = await get('/v1/admin/health');
  assert.equal(health.statusCode, 200);
  assert.equal(health.json().database.ok, true);
  // No worker runs in this test: the health says so instead of failing.
  assert.equal(health.json().workers.ok, false);
});

test('without the token or with a forged console cookie, nothing is answered', async () => {
  assert.equal((await get('/v1/admin/health', {})).statusCode, 401);
  assert.equal((await get('/v1/admin/health', { authorization: 'Bearer wrong' })).statusCode, 403);
  const forged = `${Math.floor(Date.now() / 1000) + 3600}.AAAAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(43)}`;
  assert.equal((await get('/v1/admin/health', { cookie: `plexus_console=${forged}` })).statusCode, 401);
  const session = await ctx.app.inject({
    method: 'GET',
    url: '/console/session',
    headers: { cookie: `plexus_console=${forged}` },
  });
  assert.equal(session.statusCode, 401);
  assert.equal(session.json().error.code, 'missing_api_key');
});
