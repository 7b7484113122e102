/**
 * Webhooks end to end with the platforms' own simulators doing the sending: Plexus registers
 * its address when a Shopify shop connects, an edit made "in the Shopify admin" arrives as a
 * signed webhook, is processed and queues a sync; disconnecting removes the subscriptions.
 * Meta's subscription handshake is answered and its signed ad-account change is processed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { loadSandbox } from '../../src/providers/registry.ts';
import type { RunningSandbox, SandboxOptions } from '../../src/sandbox/kit/types.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { jsonOf, open, submit } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';

type Sb = RunningSandbox & Record<string, any>;
let shop: Sb;
let meta: Sb;
let ctx: TestContext;
let base: string;
let worker: WorkerHandle;
let org: { id: string; key: string };

before(async () => {
  shop = (await (
    await loadSandbox('shopify')
  ).start({ seed: 2, size: 10, autoConsent: true, webhookRetryDelaysMs: [50, 100] } as SandboxOptions)) as Sb;
  meta = (await (await loadSandbox('meta')).start({ seed: 2, size: 10, autoConsent: true })) as Sb;
  ctx = await createTestContext({
    env: {
      PLEXUS_SHOPIFY_CLIENT_ID: shop.clientId,
      PLEXUS_SHOPIFY_CLIENT_SECRET: shop.clientSecret,
      PLEXUS_SHOPIFY_BASE_URL: shop.url,
      PLEXUS_META_CLIENT_ID: meta.appId,
      PLEXUS_META_CLIENT_SECRET: meta.appSecret,
      PLEXUS_META_BASE_URL: meta.url,
      PLEXUS_META_WEBHOOK_VERIFY_TOKEN: 'meta-verify',
    },
  });
  base = await ctx.listen();
  org = await newOrg(ctx);
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
  await worker.stop();
  await ctx.close();
  await shop.close();
  await meta.close();
});

async function connect(provider: string, form: Record<string, string> = {}): Promise<string> {
  const s = await jsonOf(
    fetch(`${base}/v1/connect-sessions`, {
      method: 'POST',
      headers: { ...auth(org.key), 'content-type': 'application/json' },
      body: JSON.stringify({ provider }),
    }),
  );
  const done = await submit(await open(s.url), form);
  assert.equal(done.status, 200, done.html.slice(0, 500));
  const list = await jsonOf(fetch(`${base}/v1/connections?provider=${provider}`, { headers: auth(org.key) }));
  return list.data[0].id;
}

test('Shopify: subscriptions registered at connect, a store edit arrives signed and is processed, disconnect unsubscribes', async () => {
  const id = await connect('shopify', { shop: shop.shop });
  const subs = await waitFor(async () => {
    const s = shop.webhooks.subscriptions() as { topic: string; address: string }[];
    return s.length >= 6 ? s : undefined;
  }, 'subscriptions at the shop');
  assert.ok(subs.every((s) => s.address === `${base}/webhooks/shopify`));
  assert.ok(subs.some((s) => s.topic === 'articles/update'));

  const article = shop.data().of('article')[0];
  shop.remote.edit(String(article.id), { title: 'Edited in the Shopify admin' });
  await shop.webhooks.idle();
  const row = await waitFor(
    async () =>
      (
        await ctx.db.owner.query(
          "select * from webhook_inbox where provider = 'shopify' and topic = 'articles/update' and status = 'processed'",
        )
      ).rows[0],
    'processed webhook',
  );
  assert.equal(row.connection_id, id);
  assert.equal(row.org_id, org.id);
  const ev = await ctx.db.owner.query(
    "select payload from events where type = 'webhook.received' and payload->>'inbox_id' = $1",
    [row.id],
  );
  assert.equal(ev.rows[0].payload.action, 'sync');

  // The subscribe job keeps the ids once every topic is registered; only then can a disconnect remove them.
  const kept = await waitFor(
    async () =>
      (await ctx.db.owner.query("select config->>'webhookSubscriptions' as ids from connections where id = $1", [id]))
        .rows[0]?.ids || undefined,
    'subscription ids kept',
  );
  assert.equal(kept.split(',').length, (shop.webhooks.subscriptions() as unknown[]).length);
  const del = await fetch(`${base}/v1/connections/${id}`, { method: 'DELETE', headers: auth(org.key) });
  assert.equal(del.status, 200);
  assert.equal((shop.webhooks.subscriptions() as unknown[]).length, 0, 'subscriptions removed at disconnect');
});

test('Meta: the subscription handshake is answered and a signed ad-account change is processed', async () => {
  const id = await connect('meta');
  const conn = await jsonOf(fetch(`${base}/v1/connections/${id}`, { headers: auth(org.key) }));
  const account = String(conn.config.adAccountIds).split(',')[0]!;
  const check = await meta.webhooks.subscribe({
    callbackUrl: `${base}/webhooks/meta`,
    verifyToken: 'meta-verify',
    fields: ['in_process_ad_objects'],
  });
  assert.ok(check.ok, JSON.stringify(check));
  const delivered = await meta.webhooks.emit(account.replace(/^act_/, ''), 'in_process_ad_objects', {
    id: '123',
    level: 'AD',
    status_name: 'PENDING_REVIEW',
  });
  assert.ok(delivered, 'the sandbox sent the event');
  await meta.webhooks.idle();
  const row = await waitFor(
    async () =>
      (await ctx.db.owner.query("select * from webhook_inbox where provider = 'meta' and status = 'processed'"))
        .rows[0],
    'processed webhook',
  );
  assert.equal(row.connection_id, id);
  assert.equal(row.topic, 'ad_account.in_process_ad_objects');
});
