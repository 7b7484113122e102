import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withOrgTx } from '../../src/db/tx.ts';
import { createBatch } from '../../src/sync/content/publish.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { shopifySite, type ShopifySite } from '../fixtures/cms/shopify.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let site: ShopifySite;
let ctx: TestContext;

before(async () => {
  site = await shopifySite();
  ctx = await createTestContext({ env: site.env, config: {} });
});
after(async () => {
  await ctx.close();
  await site.close();
});

/** `n` published posts of a new org, and that org's connection to the shop. */
async function orgWithPosts(n: number, prefix: string) {
  const org = await newOrg(ctx);
  const conn = await site.connect(ctx, org.id);
  const { rows: items } = await ctx.db.owner.query<{ id: string; slug: string }>(
    `insert into content_items (org_id, kind, title, body_html, slug, status, categories, tags)
     select $1, 'post', $3 || ' ' || g, '<p>Body ' || g || '</p>', $4 || '-' || g, 'published', '{News}', '{pause}' from generate_series(1, $2) g
     returning id, slug`,
    [org.id, n, prefix, prefix.toLowerCase().replaceAll(' ', '-')],
  );
  return { org, conn, items };
}

/** A worker process's environment: this test's database, quick heartbeats, and `extra`. */
const workerEnv = (extra: Record<string, string>) => ({
  DATABASE_URL: ctx.db.ownerUrl,
  PLEXUS_MASTER_KEY: ctx.config.masterKey!,
  LOG_LEVEL: 'warn',
  PLEXUS_HEARTBEAT_MS: '200',
  PLEXUS_WORKER_POLL_MS: '200',
  ...extra,
  ...site.env,
});

const batchOf = async (id: string) =>
  (
    await ctx.db.owner.query<{ done: number; status: string }>(
      'select done, status from publish_batches where id = $1',
      [id],
    )
  ).rows[0]!;

const startBatch = async (orgId: string, conn: string, items: { id: string }[]) =>
  (
    await withOrgTx(ctx.db.app, orgId, (c) =>
      createBatch(c, orgId, { itemIds: items.map((i) => i.id), connectionIds: [conn], dryRun: false }),
    )
  ).id;

/**
 * A worker frozen (SIGSTOP: a VM pause, a long GC stall) past the stale window mid-publish:
 * another worker takes the job over; when the first one wakes up it must not go on creating
 * the items it had in hand. Every item ends up on the site exactly once, and the paused
 * worker lives on.
 */
test(
  'a worker SIGSTOPped past the stale window mid-publish, then resumed: every item is on the site exactly once',
  { timeout: 240_000 },
  async () => {
    const N = 70;
    const { org, conn, items } = await orgWithPosts(N, 'Pause test');
    const env = workerEnv({
      PLEXUS_WORKER_STALE_MS: '3000',
      PLEXUS_SSRF_ALLOW_HOSTS: '127.0.0.1,localhost',
      PLEXUS_CREATE_SETTLE_MS: '3000',
    });
    // With the shop's own pace (a burst of 38, then 2 a second, one create per call), past the
    // burst the freeze most likely lands while the worker waits for its turn at the shop.
    const first = spawnTs('src/main.ts', env, ['worker']);
    let second: ReturnType<typeof spawnTs> | undefined;
    try {
      const batchId = await startBatch(org.id, conn, items);
      const holder = async () =>
        (
          await ctx.db.owner.query<{ locked_by: string | null }>(
            "select locked_by from graphile_worker.jobs where task_identifier = 'publish_batch'",
          )
        ).rows[0]?.locked_by ?? null;
      await waitFor(async () => (await batchOf(batchId)).done >= 42, 'the burst to land', 120_000);
      const frozenHolder = await holder();
      first.kill('SIGSTOP');
      const frozenAt = (await batchOf(batchId)).done;
      second = spawnTs('src/main.ts', env, ['worker']);
      // The other worker takes the job over once the first is stale, and makes headway with it.
      await waitFor(
        async () => {
          const h = await holder();
          return h !== null && h !== frozenHolder;
        },
        'the other worker to take the job over',
        60_000,
      );
      // The other worker finishes the batch while the first one is still frozen with the items it had in hand.
      await waitFor(
        async () => (await batchOf(batchId)).status === 'completed',
        'the other worker to complete the batch',
        180_000,
      );
      assert.ok(frozenAt < N, 'frozen mid-batch');
      first.kill('SIGCONT');
      // Woken up, it must find its job taken and stop, not send what it had in hand.
      const copies = async () => {
        let n = 0;
        for (const it of items) n += await site.site.countBySlug('post', it.slug);
        return n;
      };
      await waitFor(
        async () => first.output().includes('job fenced') || (await copies()) > N,
        'the resumed worker to stop (or to publish again)',
        60_000,
        100,
      );
      site.sandbox.faults.clear();
      for (const it of items)
        assert.equal(await site.site.countBySlug('post', it.slug), 1, `${it.slug} exactly once on the site`);
      const t = (
        await ctx.db.owner.query(
          "select count(*)::int as n, count(distinct remote_id)::int as d from content_targets where org_id = $1 and state = 'synced'",
          [org.id],
        )
      ).rows[0];
      assert.equal(t.n, N);
      assert.equal(t.d, N, 'each item has its own post');
      assert.equal(first.exitCode, null, `the resumed worker is still running:\n${first.output()}`);
      assert.equal(first.signalCode, null);
    } finally {
      first.kill('SIGCONT');
      first.kill('SIGKILL');
      second?.kill('SIGKILL');
      await exited(first);
      if (second) await exited(second);
    }
  },
);

test(
  'SIGTERM on a worker mid-publish: it stops within its grace period and releases the job, which another worker finishes',
  { timeout: 240_000 },
  async () => {
    const N = 120;
    const { org, conn, items } = await orgWithPosts(N, 'Term test');
    const env = workerEnv({
      // A long stale window: the job must come back because it was released, not because its worker went silent.
      PLEXUS_WORKER_STALE_MS: '120000',
      PLEXUS_SHUTDOWN_GRACE_MS: '1500',
      // Creates cut off by the shutdown still land at the shop after its 2 s delay; on a loaded
      // machine later than 3 s. The window that lets them land before recovery lists the shop must
      // cover that, or recovery misses them and creates again.
      PLEXUS_CREATE_SETTLE_MS: '10000',
    });
    const first = spawnTs('src/main.ts', env, ['worker']);
    let second: ReturnType<typeof spawnTs> | undefined;
    try {
      // A slow shop (2 s a call): creates go ten to a GraphQL call, so without it the whole batch
      // would land before the signal.
      site.sandbox.faults.latency(2_000, { times: 100_000 });
      const batchId = await startBatch(org.id, conn, items);
      await waitFor(async () => (await batchOf(batchId)).done >= 1, 'the first creates to land', 120_000);
      first.kill('SIGTERM');
      // The batch has many slow calls left: only the grace period ends it this soon.
      const code = await Promise.race([
        exited(first),
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000)),
      ]);
      assert.equal(code, 0, `the worker stops within its grace period:\n${first.output()}`);
      const { rows: held } = await ctx.db.owner.query(
        "select locked_by from graphile_worker.jobs where task_identifier = 'publish_batch' and locked_by is not null",
      );
      assert.equal(held.length, 0, 'the job was released, not left locked');
      assert.ok((await batchOf(batchId)).done < N, 'stopped mid-batch');
      site.sandbox.faults.clear();
      second = spawnTs('src/main.ts', env, ['worker']);
      await waitFor(
        async () => !['queued', 'running'].includes((await batchOf(batchId)).status),
        'the batch to finish',
        180_000,
      );
      const states = await ctx.db.owner.query(
        'select state, count(*)::int as n, (array_agg(last_error) filter (where last_error is not null))[1] as error from content_targets where org_id = $1 group by state',
        [org.id],
      );
      assert.equal((await batchOf(batchId)).status, 'completed', `${JSON.stringify(states.rows)}\n${second.output()}`);
      for (const it of items)
        assert.equal(await site.site.countBySlug('post', it.slug), 1, `${it.slug} exactly once on the site`);
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGKILL');
      await exited(first);
      if (second) await exited(second);
    }
  },
);
