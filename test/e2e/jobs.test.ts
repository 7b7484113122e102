import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { withOrgTx } from '../../src/db/tx.ts';
import { enqueue, enqueueMany } from '../../src/db/queue.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { JOBS } from '../helpers/jobs.ts';
import { createRunsTable, testTasks } from '../helpers/tasks.ts';
import { waitFor } from '../helpers/wait.ts';

let ctx: TestContext;
let worker: WorkerHandle;
let org: { id: string; key: string };

before(async () => {
  ctx = await createTestContext();
  await createRunsTable(ctx.db.owner);
  org = await newOrg(ctx);
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: testTasks(),
    ...ctx.config.worker,
    concurrency: 4,
  });
});
after(async () => {
  await worker.stop();
  await ctx.close();
});

const runs = async (tag: string) =>
  (
    await ctx.db.owner.query<{ task: string; attempt: number; outcome: string }>(
      'select task, attempt, outcome from test_runs where tag = $1 order by id',
      [tag],
    )
  ).rows;
const deadLetters = async (tag: string) =>
  (await ctx.db.owner.query('select * from dead_letters where payload->>$1 = $2', ['tag', tag])).rows;
// Test task names are not in the production payload map.
const add = (c: Parameters<typeof enqueue>[0], task: string, payload: object, opts = {}) =>
  enqueue(c, task as never, payload as never, opts);

test('a job enqueued in a rolled-back transaction never exists; a committed one runs', async () => {
  await assert.rejects(
    withOrgTx(ctx.db.app, org.id, async (c) => {
      await c.query("update orgs set name = 'changed' where id = $1", [org.id]);
      await add(c, 'test_ok', { org_id: org.id, tag: 'rolled-back' });
      throw new Error('business write failed');
    }),
  );
  await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_ok', { org_id: org.id, tag: 'committed' }));
  await waitFor(async () => (await runs('committed')).length === 1, 'committed job to run');
  assert.equal((await runs('rolled-back')).length, 0);
  const { rows } = await ctx.db.owner.query(
    `select count(*)::int as n from ${JOBS} j where j.payload::text like '%rolled-back%'`,
  );
  assert.equal(rows[0].n, 0);
  assert.equal((await ctx.db.owner.query('select name from orgs where id = $1', [org.id])).rows[0].name, 'Org');
});

test('job keys de-duplicate pending work', async () => {
  const runAt = new Date(Date.now() + 3_600_000);
  await withOrgTx(ctx.db.app, org.id, async (c) => {
    for (let i = 0; i < 3; i++)
      await add(c, 'test_ok', { org_id: org.id, tag: `dedupe-${i}` }, { jobKey: 'dedupe-key', runAt });
  });
  const { rows } = await ctx.db.owner.query(`select payload from ${JOBS} j where j.key = 'dedupe-key'`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].payload.tag, 'dedupe-2', 'the newest payload wins');
});

test('bulk enqueue adds many jobs in one statement', async () => {
  const ids = await withOrgTx(ctx.db.app, org.id, (c) =>
    enqueueMany(
      c,
      Array.from({ length: 50 }, (_, i) => ({
        task: 'test_ok' as never,
        payload: { org_id: org.id, tag: `bulk-${i % 5}` } as never,
      })),
    ),
  );
  assert.equal(ids.length, 50);
  await waitFor(async () => {
    const { rows } = await ctx.db.owner.query("select count(*)::int as n from test_runs where tag like 'bulk-%'");
    return rows[0].n === 50;
  }, 'bulk jobs');
});

test('a retryable failure is retried with its attempt count, then succeeds', async () => {
  await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_flaky', { org_id: org.id, tag: 'flaky', fail_until: 3 }));
  await waitFor(async () => (await runs('flaky')).some((r) => r.outcome === 'ok'), 'flaky job to succeed');
  assert.deepEqual(
    (await runs('flaky')).map((r) => [r.attempt, r.outcome]),
    [
      [1, 'fail'],
      [2, 'fail'],
      [3, 'ok'],
    ],
  );
  assert.equal((await deadLetters('flaky')).length, 0);
});

test('a permanent error goes straight to the dead letters', async () => {
  await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_permanent', { org_id: org.id, tag: 'perm' }));
  const [dl] = await waitFor(async () => {
    const d = await deadLetters('perm');
    return d.length ? d : undefined;
  }, 'dead letter');
  assert.equal(dl.error_code, 'provider.auth_revoked');
  assert.equal(dl.attempts, 1);
  assert.equal(dl.org_id, org.id);
  assert.equal((await runs('perm')).length, 1);
  const { rows } = await ctx.db.owner.query(
    `select count(*)::int as n from ${JOBS} j where j.payload::text like '%"perm"%'`,
  );
  assert.equal(rows[0].n, 0, 'moved out of the queue');
});

test('retries exhausted go to the dead letters with the last error', async () => {
  await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_exhaust', { org_id: org.id, tag: 'exhaust' }));
  const [dl] = await waitFor(async () => {
    const d = await deadLetters('exhaust');
    return d.length ? d : undefined;
  }, 'dead letter');
  assert.equal(dl.attempts, 3);
  assert.equal(dl.error_code, 'internal_error');
  assert.equal(dl.error_message, 'socket hang up');
  assert.equal((await runs('exhaust')).length, 3);
  assert.ok(!('_attempt' in dl.payload), 'retry bookkeeping is not part of the stored payload');
});

test('a platform delay (Retry-After) sets the next run, not the fixed formula', async () => {
  const before = Date.now();
  await withOrgTx(ctx.db.app, org.id, (c) =>
    add(c, 'test_later', { org_id: org.id, tag: 'later' }, { jobKey: 'later-key' }),
  );
  const row = await waitFor(async () => {
    const { rows } = await ctx.db.owner.query(
      `select run_at, payload from ${JOBS} j where j.key = 'later-key' and j.locked_at is null and (j.payload->>'_attempt')::int = 2`,
    );
    return rows[0];
  }, 'rescheduled job');
  assert.ok(row.run_at.getTime() - before >= 115_000, `run_at ${row.run_at.toISOString()} honours the 120 s delay`);
  assert.equal((await runs('later')).length, 1);
});

test('dead letters are listed and replayed through the API, once', async () => {
  await ctx.db.owner.query(
    "insert into test_flags values ('switch', true) on conflict (name) do update set on_ = true",
  );
  await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_switch', { org_id: org.id, tag: 'switch' }));
  await waitFor(async () => (await deadLetters('switch')).length === 1, 'dead letter');

  const list = await ctx.app.inject({
    method: 'GET',
    url: '/v1/dead-letters?task=test_switch',
    headers: auth(org.key),
  });
  assert.equal(list.statusCode, 200);
  const item = list.json().data.find((d: { payload: { tag: string } }) => d.payload.tag === 'switch');
  assert.ok(item);
  assert.equal(item.error_code, 'provider.invalid_request');

  await ctx.db.owner.query("update test_flags set on_ = false where name = 'switch'");
  const replay = await ctx.app.inject({
    method: 'POST',
    url: `/v1/dead-letters/${item.id}/replay`,
    headers: auth(org.key),
  });
  assert.equal(replay.statusCode, 202);
  assert.ok(replay.json().replayed_at);
  await waitFor(async () => (await runs('switch')).some((r) => r.outcome === 'ok'), 'replayed job to succeed');

  const again = await ctx.app.inject({
    method: 'POST',
    url: `/v1/dead-letters/${item.id}/replay`,
    headers: auth(org.key),
  });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'conflict');
  assert.equal((await runs('switch')).filter((r) => r.outcome === 'ok').length, 1);
});

test('the worker heartbeat is visible to /healthz and /metrics', async () => {
  const health = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200, health.body);
  const body = health.json();
  assert.equal(body.checks.database.ok, true);
  assert.equal(body.checks.migrations.ok, true);
  assert.equal(body.checks.worker.ok, true);
  const metrics = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /plexus_jobs\{state="scheduled"\} [1-9]/);
  assert.match(metrics.body, /plexus_jobs\{state="dead_letter"\} [1-9]/);
  assert.match(metrics.body, /plexus_db_pool_connections\{pool="app",state="total"\}/);
  assert.match(metrics.body, /plexus_http_request_duration_seconds_bucket\{.*route="\/healthz"/);
});

test(
  'a job running longer than the stale window on a live worker is not taken for abandoned: it runs once',
  { timeout: 30_000 },
  async () => {
    await withOrgTx(ctx.db.app, org.id, (c) => add(c, 'test_long', { org_id: org.id, tag: 'long' }));
    await waitFor(async () => (await runs('long')).some((r) => r.outcome === 'ok'), 'the long job to finish', 20_000);
    // Heartbeats kept coming meanwhile (every 200 ms, stale after 1.5 s): no second start.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(
      (await runs('long')).map((r) => r.outcome),
      ['start', 'ok'],
    );
  },
);
