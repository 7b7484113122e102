import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { withOrgTx } from '../../src/db/tx.ts';
import { startWorker } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { createBatch } from '../../src/sync/content/publish.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { wordpressSite, type WordPressSite } from '../fixtures/cms/wordpress.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let site: WordPressSite;
let ctx: TestContext;
const SETTLE_MS = '4000';

before(async () => {
  site = await wordpressSite();
  ctx = await createTestContext({ env: site.env, config: {} });
});
after(async () => {
  await ctx.close();
  await site.close();
});

test(
  'a worker SIGKILLed mid-batch, then restarted: every item is on the site exactly once',
  { timeout: 180_000 },
  async () => {
    const org = await newOrg(ctx);
    const conn = await site.connect(ctx, org.id);
    const N = 80;
    const { rows: items } = await ctx.db.owner.query<{ id: string; slug: string }>(
      `insert into content_items (org_id, kind, title, body_html, slug, status, categories, tags)
     select $1, 'post', 'Kill test ' || g, '<p>Body ' || g || '</p>', 'kill-test-' || g, 'published', '{News}', '{kill}' from generate_series(1, $2) g
     returning id, slug`,
      [org.id, N],
    );
    // Each call to the site is slow, so the kill lands with a bulk create in flight.
    site.sandbox.faults.latency(700, { times: 100_000 });
    const env = {
      DATABASE_URL: ctx.db.ownerUrl,
      PLEXUS_MASTER_KEY: ctx.config.masterKey!,
      LOG_LEVEL: 'warn',
      PLEXUS_HEARTBEAT_MS: '200',
      PLEXUS_SSRF_ALLOW_HOSTS: '127.0.0.1:*,localhost:*',
      PLEXUS_CREATE_SETTLE_MS: SETTLE_MS,
    };
    const child = spawnTs('src/main.ts', env, ['worker']);
    let batchId = '';
    try {
      batchId = (
        await withOrgTx(ctx.db.app, org.id, (c) =>
          createBatch(c, org.id, { itemIds: items.map((i) => i.id), connectionIds: [conn], dryRun: false }),
        )
      ).id;
      await waitFor(
        async () =>
          (await ctx.db.owner.query('select done from publish_batches where id = $1', [batchId])).rows[0].done >= 25,
        'part of the batch to land',
        120_000,
      );
      // Let the next bulk request reach the site, then kill the worker while it waits for the answer.
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query(
              'select count(*)::int as n from content_targets where create_started_at is not null and remote_id is null',
            )
          ).rows[0].n > 0,
        'a create in flight',
        30_000,
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    const mid = (await ctx.db.owner.query('select done, status from publish_batches where id = $1', [batchId])).rows[0];
    assert.ok(mid.done < N, `killed mid-batch (${mid.done} of ${N} recorded)`);
    site.sandbox.faults.clear();
    process.env.PLEXUS_CREATE_SETTLE_MS = SETTLE_MS;
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
          (await ctx.db.owner.query('select status from publish_batches where id = $1', [batchId])).rows[0].status ===
          'completed',
        'the batch to complete',
        120_000,
      );
    } finally {
      await worker.stop();
    }
    for (const it of items) assert.equal(await site.site.countBySlug('post', it.slug), 1, `${it.slug} exactly once`);
    const t = (
      await ctx.db.owner.query(
        "select count(*)::int as n, count(distinct remote_id)::int as d from content_targets where org_id = $1 and state = 'synced'",
        [org.id],
      )
    ).rows[0];
    assert.equal(t.n, N);
    assert.equal(t.d, N, 'each item has its own post');
  },
);
