import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { shopifySite, type ShopifySite } from '../fixtures/cms/shopify.ts';
import { JOBS } from '../helpers/jobs.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let site: ShopifySite;
let ctx: TestContext;

before(async () => {
  site = await shopifySite();
  ctx = await createTestContext({ env: site.env });
});
after(async () => {
  await ctx.close();
  await site.close();
});

const BURST = 6_000;
const SECONDS = 20;

/**
 * A burst of `articles/update` webhooks for one shop (300 a second for 20 s), each asking for a
 * sync of the connection: at most one sync of it runs at any time across the worker's slots,
 * the triggers that come while it runs fold into one follow-up, and inbound processing keeps
 * up (the inbox is drained within 10 s of the burst's end).
 */
test(
  '6,000 webhooks for one connection in 20 s: never more than one sync of it running, the inbox drained soon after',
  { timeout: 240_000 },
  async (t) => {
    const org = await newOrg(ctx);
    const conn = await site.connect(ctx, org.id);
    await ctx.db.owner.query('update connections set account_refs = array[$2] where id = $1', [
      conn,
      site.sandbox.shopDomain,
    ]);
    const env = {
      DATABASE_URL: ctx.db.ownerUrl,
      PLEXUS_MASTER_KEY: ctx.config.masterKey!,
      LOG_LEVEL: 'warn',
      PLEXUS_HEARTBEAT_MS: '500',
      PLEXUS_WORKER_POLL_MS: '200',
      PLEXUS_WORKER_CONCURRENCY: '16',
      ...site.env,
    };
    const api = spawnTs('src/main.ts', { ...env, PORT: '0' }, ['api']);
    const worker = spawnTs('src/main.ts', env, ['worker']);
    try {
      const url = await waitFor(
        async () => /Plexus is running at (\S+)/.exec(api.output())?.[1],
        'API to start',
        60_000,
      );
      const secret = site.env.PLEXUS_SHOPIFY_CLIENT_SECRET!;
      const send = async () => {
        const id = randomUUID();
        const raw = Buffer.from(JSON.stringify({ id: 1, title: 'edited' }));
        const s = schemeFor('hmac-sha256-base64').sign(
          { rawBody: raw, secret, nowMs: Date.now() },
          { signatureHeader: 'x-shopify-hmac-sha256' },
        );
        const headers = {
          'content-type': 'application/json',
          'x-shopify-topic': 'articles/update',
          'x-shopify-shop-domain': site.sandbox.shopDomain,
          'x-shopify-webhook-id': id,
          ...s.headers,
        };
        const res = await fetch(`${url}/webhooks/shopify`, { method: 'POST', headers, body: s.body });
        await res.arrayBuffer();
        return res.status;
      };

      // Syncs of the connection running at once, sampled through the burst.
      let maxRunning = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const { rows } = await ctx.db.owner.query<{ n: number }>(
            `select count(*)::int as n from ${JOBS} j where j.task_identifier in ('sync_connection', 'sync_content') and j.locked_at is not null and j.payload->>'connection_id' = $1`,
            [conn],
          );
          maxRunning = Math.max(maxRunning, rows[0]!.n);
          await new Promise((r) => setTimeout(r, 25));
        }
      })();

      // 300 a second, in ticks of 100 ms; a slow machine just sends late, never more at once than 48.
      const started = Date.now();
      let sent = 0;
      let refused = 0;
      const inflight = new Set<Promise<void>>();
      while (sent < BURST) {
        const due = Math.min(BURST, Math.floor(((Date.now() - started) / 1000) * (BURST / SECONDS)) + 1);
        while (sent < due && inflight.size < 48) {
          sent++;
          const p: Promise<void> = send()
            .then(
              (status) => {
                if (status !== 200) refused++;
              },
              () => {
                refused++;
              },
            )
            .finally(() => inflight.delete(p));
          inflight.add(p);
        }
        await (inflight.size >= 48 ? Promise.race(inflight) : new Promise((r) => setTimeout(r, 10)));
      }
      await Promise.all(inflight);
      const burstSeconds = (Date.now() - started) / 1000;
      assert.equal(refused, 0, 'every webhook acknowledged');

      const endedAt = Date.now();
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query(
              "select count(*)::int as n from webhook_inbox where org_id = $1 and status <> 'processed'",
              [org.id],
            )
          ).rows[0].n === 0,
        'the inbox to drain within 10 s of the burst end',
        10_000,
        100,
      );
      const drainMs = Date.now() - endedAt;
      // The follow-up sync folded from the burst's last triggers runs, then the queue is quiet.
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query(
              "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'sync_connection'",
            )
          ).rows[0].n === 0,
        'the last sync to finish',
        60_000,
        100,
      );
      sampling = false;
      await sampler;
      const { rows: syncs } = await ctx.db.owner.query<{ n: number }>(
        "select count(*)::int as n from events where org_id = $1 and type = 'sync.completed'",
        [org.id],
      );
      const { rows: received } = await ctx.db.owner.query<{ n: number }>(
        'select count(*)::int as n from webhook_inbox where org_id = $1',
        [org.id],
      );
      t.diagnostic(
        JSON.stringify({
          burst_seconds: burstSeconds,
          drain_ms: drainMs,
          syncs: syncs[0]!.n,
          max_running: maxRunning,
          last_sync_done_s: (Date.now() - endedAt) / 1000,
        }),
      );
      assert.equal(received[0]!.n, BURST);
      assert.ok(maxRunning <= 1, `${maxRunning} syncs of one connection ran at once`);
      assert.ok(syncs[0]!.n >= 1, 'the connection was synced');
      assert.ok(syncs[0]!.n < BURST / 20, `triggers coalesced (${syncs[0]!.n} syncs for ${BURST} webhooks)`);
      // Every call to the shop, identity checks included, kept to its one budget: the shop throttled none.
      const calls = site.sandbox.requests.entries().filter((r) => r.path.includes('/admin/api/'));
      assert.ok(calls.length > 0);
      assert.equal(calls.filter((r) => r.status === 429).length, 0, 'no call to the shop was throttled');
      // Retired keyed jobs do not linger as failed rows.
      const { rows: failed } = await ctx.db.owner.query<{ n: number }>(
        'select count(*)::int as n from graphile_worker.jobs where attempts >= max_attempts and locked_at is null',
      );
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query<{ n: number }>(
              'select count(*)::int as n from graphile_worker.jobs where attempts >= max_attempts and locked_at is null',
            )
          ).rows[0]!.n === 0,
        `no spent job rows left (${failed[0]!.n} seen)`,
        10_000,
      );
    } finally {
      api.kill('SIGKILL');
      worker.kill('SIGKILL');
      await Promise.all([exited(api), exited(worker)]);
    }
  },
);
