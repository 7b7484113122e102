import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'shopify-app-secret-kill-test';
const SHOP = 'kill-test.myshopify.com';
let ctx: TestContext;

before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

function delivery(id: string) {
  const raw = Buffer.from(JSON.stringify({ id, title: 'post' }));
  const s = schemeFor('hmac-sha256-base64').sign(
    { rawBody: raw, secret: SECRET, nowMs: Date.now() },
    { signatureHeader: 'x-shopify-hmac-sha256' },
  );
  return {
    body: s.body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'articles/update',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-webhook-id': id,
      ...s.headers,
    },
  };
}

async function startApi() {
  const proc = spawnTs(
    'src/main.ts',
    {
      DATABASE_URL: ctx.db.ownerUrl,
      PLEXUS_MASTER_KEY: ctx.config.masterKey!,
      PORT: '0',
      LOG_LEVEL: 'warn',
      PLEXUS_SHOPIFY_CLIENT_ID: 'id',
      PLEXUS_SHOPIFY_CLIENT_SECRET: SECRET,
    },
    ['api'],
  );
  const url = await waitFor(async () => /Plexus is running at (\S+)/.exec(proc.output())?.[1], 'API to start', 60_000);
  return { proc, url };
}

test(
  'webhooks under load, API killed with SIGKILL mid-stream: every acknowledged event is kept and processed exactly once',
  { timeout: 180_000 },
  async () => {
    const org = await newOrg(ctx);
    const conn = await seedConnection(
      ctx.db,
      ctx.keyring,
      org.id,
      'shopify',
      { kind: 'oauth2', accessToken: 'x' },
      { externalId: SHOP },
    );
    await ctx.db.owner.query('update connections set account_refs = array[$2] where id = $1', [conn, SHOP]);
    const acked = new Set<string>();
    let refused = 0;

    const api = await startApi();
    let stop = false;
    const senders = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const id = randomUUID();
        const d = delivery(id);
        try {
          const res = await fetch(`${api.url}/webhooks/shopify`, { method: 'POST', headers: d.headers, body: d.body });
          if (res.status === 200) acked.add(id);
          else refused++;
          await res.arrayBuffer();
        } catch {
          refused++;
          if (api.proc.exitCode !== null || api.proc.signalCode !== null) return;
        }
      }
    });
    await waitFor(async () => acked.size >= 300, 'load to build up', 60_000);
    api.proc.kill('SIGKILL');
    await exited(api.proc);
    stop = true;
    await Promise.all(senders);
    ctx.log.info({ acked: acked.size, refused }, 'killed the API under load');
    assert.ok(acked.size >= 300);

    // Restart the API (nothing to recover in it: the acknowledged events are in PostgreSQL).
    const again = await startApi();
    try {
      const d = delivery(randomUUID());
      assert.equal(
        (await fetch(`${again.url}/webhooks/shopify`, { method: 'POST', headers: d.headers, body: d.body })).status,
        200,
      );
    } finally {
      again.proc.kill('SIGTERM');
      await exited(again.proc);
    }

    // Wake-ups are hints committed after the events; the kill may have lost some, which the
    // every-minute stranded-inbox scan makes up for. Run that scan now instead of waiting.
    const { wakeStrandedInboxes } = await import('../../src/webhooks/ingress/wake.ts');
    await wakeStrandedInboxes(ctx.db.owner, 0);
    const worker = await startWorker({
      db: ctx.db,
      keyring: ctx.keyring,
      log: ctx.log,
      clock: systemClock,
      tasks: allTasks,
      ...ctx.config.worker,
      providers: ctx.providers,
      concurrency: 8,
    });
    try {
      await waitFor(
        async () => {
          const { rows } = await ctx.db.owner.query(
            "select count(*)::int as n from webhook_inbox where provider = 'shopify' and status <> 'processed'",
          );
          return rows[0].n === 0;
        },
        'all events processed',
        120_000,
      );
    } finally {
      await worker.stop();
    }
    const { rows } = await ctx.db.owner.query<{ dedupe_key: string; status: string; received: number }>(
      `select i.dedupe_key, i.status,
       (select count(*)::int from events e where e.type = 'webhook.received' and e.payload->>'inbox_id' = i.id::text) as received
     from webhook_inbox i where i.provider = 'shopify'`,
    );
    const byKey = new Map(rows.map((r) => [r.dedupe_key, r]));
    for (const id of acked) {
      const r = byKey.get(id);
      assert.ok(r, `acknowledged event ${id} is missing`);
      assert.equal(r.status, 'processed');
      assert.equal(r.received, 1, `event ${id} processed ${r.received} times`);
    }
  },
);
