/**
 * Every long-running record settles and says why: a publish batch, a content sync run and a
 * rollback whose job fails show the last error through the API while the job waits for its
 * retry, end with the error (and their event) when it is dead-lettered, and open again when
 * the dead letter is replayed. Content syncs are runs with progress, found by their job id.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { wordpressSite, type WordPressSite } from '../fixtures/cms/wordpress.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { JOBS } from '../helpers/jobs.ts';
import { waitFor } from '../helpers/wait.ts';

let site: WordPressSite;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let worker: WorkerHandle;

before(async () => {
  site = await wordpressSite();
  ctx = await createTestContext({ env: site.env, config: { PLEXUS_JOB_MAX_ATTEMPTS: '2' } });
  org = await newOrg(ctx);
  conn = await site.connect(ctx, org.id);
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
});
after(async () => {
  await worker?.stop();
  await ctx?.close();
  await site?.close();
});

const api = async (
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: any }> => {
  const res = await ctx.app.inject({
    method,
    url,
    headers: auth(org.key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
};
const breakSite = () => site.sandbox.faults.add({ kind: 'server_error', status: 500, times: 10_000 });
/** Waits for the retry a failed first attempt queued and holds it, so the state between attempts can be read. */
const holdRetry = async (task: string) => {
  await waitFor(
    async () =>
      (
        await ctx.db.owner.query(
          `select id from graphile_worker.reschedule_jobs(array(select id from ${JOBS} j where j.task_identifier = $1 and (j.payload->>'_attempt')::int = 2), run_at => now() + interval '1 hour')`,
          [task],
        )
      ).rowCount,
    `the retry of ${task}`,
    60_000,
    20,
  );
};
const releaseRetry = (task: string) =>
  ctx.db.owner.query(
    'select id from graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where task_identifier = $1), run_at => now())',
    [task],
  );
const deadLetterOf = (task: string) =>
  waitFor(
    async () =>
      (await api('GET', '/v1/dead-letters')).body.data.find(
        (d: { task: string; replayed_at: string | null }) => d.task === task && !d.replayed_at,
      ),
    `a dead ${task}`,
    60_000,
    100,
  );
const events = async (type: string) =>
  (
    await ctx.db.owner.query('select payload from events where org_id = $1 and type = $2 order by created_at', [
      org.id,
      type,
    ])
  ).rows.map((r) => r.payload);

test('a content sync is a run: started, progress, finished; sync.completed at the end; found by its job id; last_sync_at set at the end', async () => {
  // One published item, then edited on the site: the sync reads it, merges it and writes it.
  const item = await api('POST', '/v1/content', {
    kind: 'post',
    title: 'Synced',
    slug: `synced-${Date.now()}`,
    body_html: '<p>x</p>',
    status: 'published',
  });
  const batch = await api('POST', '/v1/publish', { item_ids: [item.body.id], connection_ids: [conn] });
  const published = await waitFor(
    async () => {
      const b = (await api('GET', `/v1/publish/${batch.body.id}`)).body;
      return b.status === 'completed' ? b : null;
    },
    'the publish',
    60_000,
    100,
  );
  await site.nextSecond();
  await site.site.edit('post', published.items[0].remote_id, { title: 'Synced, edited on the site' });
  const asked = await api('POST', `/v1/connections/${conn}/syncs`);
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const run = await waitFor(
    async () => {
      const r = (await api('GET', `/v1/connections/${conn}/syncs?job_id=${asked.body.job_id}`)).body.data[0];
      return r?.status === 'completed' ? r : null;
    },
    'the content run to complete',
    60_000,
    100,
  );
  assert.equal(run.kind, 'content');
  assert.equal(run.job_id, asked.body.job_id);
  assert.ok(
    run.items_read >= 1 && run.items_merged >= 1 && run.items_written >= 1,
    `progress counted: ${JSON.stringify(run)}`,
  );
  assert.equal((await api('GET', `/v1/content/${item.body.id}`)).body.title, 'Synced, edited on the site');
  assert.ok(run.finished_at);
  const completed = (await events('sync.completed')).find((e) => e.run_id === run.id);
  assert.ok(completed, 'sync.completed names the run');
  assert.equal(completed.kind, 'content');
  const c = (await ctx.db.owner.query('select last_sync_at from connections where id = $1', [conn])).rows[0];
  assert.ok(c.last_sync_at >= new Date(run.finished_at), 'last_sync_at is the end of the sync, not its start');
});

test('a publish job that fails shows its error, dies into a failed batch with publish.completed, and a replay reopens and finishes it', async () => {
  const item = await api('POST', '/v1/content', {
    kind: 'post',
    title: 'Doomed',
    slug: `doomed-${Date.now()}`,
    body_html: '<p>x</p>',
    status: 'published',
  });
  assert.equal(item.status, 201);
  const fault = breakSite();
  const started = await api('POST', '/v1/publish', { item_ids: [item.body.id], connection_ids: [conn] });
  await holdRetry('publish_batch');
  // Between attempts: the batch still runs, and says why its job failed.
  const waiting = (await api('GET', `/v1/publish/${started.body.id}`)).body;
  assert.equal(waiting.status, 'running');
  assert.equal(waiting.error?.code, 'provider.unavailable', JSON.stringify(waiting));
  assert.ok(waiting.error.message);
  const line = ctx.logLines
    .map((l) => JSON.parse(l))
    .find((l) => l.msg === 'job failed; retry scheduled' && l.task === 'publish_batch');
  assert.ok(line, 'the failed attempt is logged');
  assert.equal(line.org_id, org.id);
  assert.equal(line.connection_id, conn);
  assert.ok(line.job_id && line.origin_job_id);
  assert.equal(line.code, 'provider.unavailable');
  assert.ok(line.error, 'with its message');
  await releaseRetry('publish_batch');
  const dead = await deadLetterOf('publish_batch');
  const failed = await waitFor(
    async () => {
      const b = (await api('GET', `/v1/publish/${started.body.id}`)).body;
      return b.status === 'failed' ? b : null;
    },
    'the batch to end failed',
    30_000,
    100,
  );
  assert.equal(failed.error.code, 'provider.unavailable');
  assert.equal(failed.items[0].status, 'failed');
  assert.equal(failed.items[0].error.code, 'provider.unavailable');
  assert.ok(failed.finished_at);
  const ev = (await events('publish.completed')).find((e) => e.batch_id === started.body.id);
  assert.equal(ev?.status, 'failed');

  // Replay: the batch opens again and, with the site back, finishes.
  site.sandbox.faults.remove(fault);
  const replay = await api('POST', `/v1/dead-letters/${dead.id}/replay`);
  assert.equal(replay.status, 202, JSON.stringify(replay.body));
  const done = await waitFor(
    async () => {
      const b = (await api('GET', `/v1/publish/${started.body.id}`)).body;
      return b.status === 'completed' ? b : null;
    },
    'the replayed batch to complete',
    60_000,
    100,
  );
  assert.equal(done.items[0].status, 'done');
  assert.equal(done.failed, 0);
  assert.equal(done.error, null);
});

test('a content sync whose job dies ends its run failed with the error and sync.failed; a replay runs the same run again', async () => {
  const fault = breakSite();
  const asked = await api('POST', `/v1/connections/${conn}/syncs`);
  await holdRetry('sync_connection');
  const running = (await api('GET', `/v1/connections/${conn}/syncs?job_id=${asked.body.job_id}`)).body.data[0];
  assert.equal(running?.status, 'running');
  assert.match(running.error ?? '', /provider\.unavailable/);
  await releaseRetry('sync_connection');
  const dead = await deadLetterOf('sync_connection');
  const failed = await waitFor(
    async () => {
      const r = (await api('GET', `/v1/connections/${conn}/syncs?job_id=${asked.body.job_id}`)).body.data[0];
      return r?.status === 'failed' ? r : null;
    },
    'the run to end failed',
    30_000,
    100,
  );
  assert.match(failed.error, /provider\.unavailable/);
  assert.ok((await events('sync.failed')).some((e) => e.run_id === failed.id));
  site.sandbox.faults.remove(fault);
  assert.equal((await api('POST', `/v1/dead-letters/${dead.id}/replay`)).status, 202);
  const again = await waitFor(
    async () => {
      const r = (await api('GET', `/v1/connections/${conn}/syncs?job_id=${asked.body.job_id}`)).body.data[0];
      return r?.status === 'completed' ? r : null;
    },
    'the reopened run to complete',
    60_000,
    100,
  );
  assert.equal(again.id, failed.id, 'the same run, reopened');
});

test('a rollback whose job dies ends rollback_failed with the error and its event; a replay rolls back after all', async () => {
  const item = await api('POST', '/v1/content', {
    kind: 'post',
    title: 'Undone',
    slug: `undone-${Date.now()}`,
    body_html: '<p>x</p>',
    status: 'published',
  });
  const batch = await api('POST', '/v1/publish', { item_ids: [item.body.id], connection_ids: [conn] });
  await waitFor(
    async () => (await api('GET', `/v1/publish/${batch.body.id}`)).body.status === 'completed',
    'the publish',
    60_000,
    100,
  );
  const fault = breakSite();
  assert.equal((await api('POST', `/v1/publish/${batch.body.id}/rollback`)).status, 202);
  await holdRetry('rollback_batch');
  const waiting = (await api('GET', `/v1/publish/${batch.body.id}`)).body;
  assert.equal(waiting.status, 'rolling_back');
  assert.equal(waiting.error?.code, 'provider.unavailable');
  await releaseRetry('rollback_batch');
  const dead = await deadLetterOf('rollback_batch');
  const failed = await waitFor(
    async () => {
      const b = (await api('GET', `/v1/publish/${batch.body.id}`)).body;
      return b.status === 'rollback_failed' ? b : null;
    },
    'the rollback to end failed',
    30_000,
    100,
  );
  assert.equal(failed.error.code, 'provider.unavailable');
  assert.ok((await events('publish.rolled_back')).some((e) => e.batch_id === batch.body.id && e.status === 'failed'));
  site.sandbox.faults.remove(fault);
  assert.equal((await api('POST', `/v1/dead-letters/${dead.id}/replay`)).status, 202);
  await waitFor(
    async () => (await api('GET', `/v1/publish/${batch.body.id}`)).body.status === 'rolled_back',
    'the replayed rollback',
    60_000,
    100,
  );
});
