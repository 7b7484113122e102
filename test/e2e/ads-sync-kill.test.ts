import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { withOrgTx } from '../../src/db/tx.ts';
import { enqueue } from '../../src/db/queue.ts';
import { startWorker } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../src/providers/meta/sandbox.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedSandboxMetaConnection } from '../helpers/connections.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
const env = () => ({
  PLEXUS_META_CLIENT_ID: sb.appId,
  PLEXUS_META_CLIENT_SECRET: sb.appSecret,
  PLEXUS_META_BASE_URL: sb.url,
});

before(async () => {
  sb = await metaSandbox.start({ seed: 33, size: 20_000 });
  ctx = await createTestContext({ env: env() });
});
after(async () => {
  await ctx.close();
  await sb.close();
});

test(
  'a worker SIGKILLed mid-sync: the next worker resumes from the checkpoint, nothing missing or doubled',
  { timeout: 180_000 },
  async () => {
    const org = await newOrg(ctx);
    const conn = await seedSandboxMetaConnection(ctx, org.id, sb);
    // Every page is slowed down so the kill lands in the middle of the run.
    sb.faults.latency(40, { times: 100_000 });
    const child = spawnTs(
      'src/main.ts',
      {
        ...env(),
        DATABASE_URL: ctx.db.ownerUrl,
        PLEXUS_MASTER_KEY: ctx.config.masterKey!,
        LOG_LEVEL: 'warn',
        PLEXUS_HEARTBEAT_MS: '200',
      },
      ['worker'],
    );
    try {
      await withOrgTx(ctx.db.app, org.id, (c) =>
        enqueue(
          c,
          'sync_connection',
          { org_id: org.id, connection_id: conn, reason: 'initial' },
          { jobKey: `sync:${conn}` },
        ),
      );
      await waitFor(
        async () => {
          const { rows } = await ctx.db.owner.query("select pages from sync_runs where status = 'running'");
          return rows[0]?.pages >= 8;
        },
        'the sync to be well under way',
        120_000,
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    const before = (await ctx.db.owner.query("select id, pages, checkpoint from sync_runs where status = 'running'"))
      .rows[0];
    assert.ok(before, 'the killed run is left running with its checkpoint');
    sb.faults.clear();
    const worker = await startWorker({
      db: ctx.db,
      keyring: ctx.keyring,
      log: ctx.log,
      clock: systemClock,
      tasks: allTasks,
      ...ctx.config.worker,
      providers: ctx.providers,
    });
    try {
      await waitFor(
        async () =>
          (await ctx.db.owner.query('select status from sync_runs where id = $1', [before.id])).rows[0].status ===
          'completed',
        'the same run to complete',
        120_000,
      );
    } finally {
      await worker.stop();
    }
    const c = sb.counts();
    const n = async (level: string) =>
      (await ctx.db.owner.query('select count(*)::int as n from ad_entities where level = $1', [level])).rows[0].n;
    assert.equal(await n('account'), c.accounts);
    assert.equal(await n('campaign'), c.campaigns);
    assert.equal(await n('ad_group'), c.adsets);
    assert.equal(await n('ad'), c.ads);
    const run = (await ctx.db.owner.query('select pages, records from sync_runs where id = $1', [before.id])).rows[0];
    assert.ok(run.pages > before.pages, 'the run went on from where it was');
    const metrics = (
      await ctx.db.owner.query(
        'select count(*)::int as n, count(distinct (platform_id, date))::int as d from ad_metrics_daily',
      )
    ).rows[0];
    assert.equal(metrics.n, metrics.d, 'no metric row twice');
    assert.ok(metrics.n > 0);
  },
);
