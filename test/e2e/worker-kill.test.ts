import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { withOrgTx } from '../../src/db/tx.ts';
import { enqueue } from '../../src/db/queue.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { JOBS } from '../helpers/jobs.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { createRunsTable, testTasks } from '../helpers/tasks.ts';
import { waitFor } from '../helpers/wait.ts';

let ctx: TestContext;
let worker: WorkerHandle | undefined;

before(async () => {
  ctx = await createTestContext();
  await createRunsTable(ctx.db.owner);
});
after(async () => {
  await worker?.stop();
  await ctx.close();
});

test('a job held by a SIGKILLed worker process runs again within the stale window', async () => {
  const org = await newOrg(ctx);
  const child = spawnTs('test/fixtures/worker-process.ts', {
    TEST_OWNER_URL: ctx.db.ownerUrl,
    TEST_APP_URL: ctx.db.appUrl,
    PLEXUS_TEST_HANG: '1',
  });
  try {
    await waitFor(async () => child.output().includes('worker-ready'), 'child worker to start');
    await withOrgTx(ctx.db.app, org.id, (c) =>
      enqueue(c, 'test_hang' as never, { org_id: org.id, tag: 'killed' } as never),
    );
    await waitFor(async () => {
      const { rows } = await ctx.db.owner.query("select 1 from test_runs where tag = 'killed' and outcome = 'started'");
      return rows.length > 0;
    }, 'job to start in the child');
    const locked = await ctx.db.owner.query(`select locked_by from ${JOBS} j where j.payload->>'tag' = 'killed'`);
    assert.ok(locked.rows[0]?.locked_by, 'the job is locked by the child');
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
  // A worker in this process (no hang) takes over once the child's heartbeat is stale.
  const killedAt = Date.now();
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: testTasks(),
    ...ctx.config.worker,
  });
  await waitFor(
    async () => {
      const { rows } = await ctx.db.owner.query("select 1 from test_runs where tag = 'killed' and outcome = 'ok'");
      return rows.length > 0;
    },
    'abandoned job to run again',
    30_000,
  );
  const recoveredMs = Date.now() - killedAt;
  ctx.log.info(
    { recovered_ms: recoveredMs, stale_after_ms: ctx.config.worker.staleAfterMs },
    'abandoned job recovered',
  );
  // The task recorded `ok` before graphile-worker completes the job: wait for the completion.
  await waitFor(
    async () => {
      const { rows } = await ctx.db.owner.query(
        `select count(*)::int as n from ${JOBS} j where j.payload->>'tag' = 'killed'`,
      );
      return rows[0].n === 0;
    },
    'the job to complete and leave the queue',
    30_000,
  );
  await waitFor(
    async () => {
      const nodes = await ctx.db.owner.query('select count(*)::int as n from worker_nodes');
      return nodes.rows[0].n === 1;
    },
    'the dead node to be removed, only this one remaining',
    30_000,
  );
});
