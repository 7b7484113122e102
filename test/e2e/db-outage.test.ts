import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/schema.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { createOrg } from '../../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../../src/vault/keyring.ts';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { captureLogger } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { ownPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'shopify-app-secret-outage-test';
const SHOP = 'outage-test.myshopify.com';
const MASTER_KEY = randomBytes(32).toString('base64');
const { log } = captureLogger('warn');
let pg: OwnPostgres;
let db: Database;

before(async () => {
  // Its own server: this test restarts and kills it.
  pg = await ownPostgres(log);
  db = await openDatabase(
    loadConfig({ DATABASE_URL: pg.url, PLEXUS_MASTER_KEY: MASTER_KEY, PLEXUS_WORKER_CONCURRENCY: '2' }),
    log,
  );
});
after(async () => {
  await db?.close();
  await pg?.close();
});

function delivery(id: string) {
  // A topic with nothing to sync: the test is about the queue and the processes, not the shop.
  const raw = Buffer.from(JSON.stringify({ id, total_price: '1.00' }));
  const s = schemeFor('hmac-sha256-base64').sign(
    { rawBody: raw, secret: SECRET, nowMs: Date.now() },
    { signatureHeader: 'x-shopify-hmac-sha256' },
  );
  return {
    body: s.body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-webhook-id': id,
      ...s.headers,
    },
  };
}

test(
  'PostgreSQL restarted fast, then killed with SIGKILL, under webhook load: no process exits, every acknowledged event is processed once, /healthz tracks the outage',
  { timeout: 300_000 },
  async () => {
    const org = (await createOrg(db.owner, 'Outage org')).org;
    const conn = await seedConnection(
      db,
      keyringFromEnv(MASTER_KEY),
      org.id,
      'shopify',
      { kind: 'oauth2', accessToken: 'x' },
      { externalId: SHOP },
    );
    await db.owner.query('update connections set account_refs = array[$2] where id = $1', [conn, SHOP]);
    const env = {
      DATABASE_URL: pg.url,
      PLEXUS_MASTER_KEY: MASTER_KEY,
      LOG_LEVEL: 'warn',
      PLEXUS_SHOPIFY_CLIENT_ID: 'id',
      PLEXUS_SHOPIFY_CLIENT_SECRET: SECRET,
      PLEXUS_HEARTBEAT_MS: '200',
      PLEXUS_WORKER_STALE_MS: '3000',
      PLEXUS_WORKER_POLL_MS: '200',
      PLEXUS_WORKER_CONCURRENCY: '4',
    };
    const api = spawnTs('src/main.ts', { ...env, PORT: '0' }, ['api']);
    const worker = spawnTs('src/main.ts', env, ['worker']);
    const procs = [api, worker];
    const alive = () => procs.every((p) => p.exitCode === null && p.signalCode === null);
    try {
      const url = await waitFor(
        async () => /Plexus is running at (\S+)/.exec(api.output())?.[1],
        'API to start',
        60_000,
      );
      await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, 'healthz 200', 60_000);

      const acked = new Set<string>();
      const statuses = new Map<number, number>();
      let retryAfterOn503 = 0;
      let stop = false;
      const senders = Array.from({ length: 6 }, async () => {
        while (!stop) {
          const id = randomUUID();
          const d = delivery(id);
          try {
            const res = await fetch(`${url}/webhooks/shopify`, { method: 'POST', headers: d.headers, body: d.body });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 200) acked.add(id);
            if (res.status === 503 && res.headers.get('retry-after')) retryAfterOn503++;
            await res.arrayBuffer();
          } catch {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      });
      const health: { at: number; status: number }[] = [];
      const poller = (async () => {
        while (!stop) {
          const status = await fetch(`${url}/healthz`).then(
            (r) => r.status,
            () => 0,
          );
          health.push({ at: Date.now(), status });
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const ackedAtLeast = (n: number, what: string) => waitFor(async () => acked.size >= n, what, 90_000);

      await ackedAtLeast(200, 'load to build up');
      // 1. A fast restart.
      const restartAt = Date.now();
      await pg.restart();
      await ackedAtLeast(acked.size + 200, 'events to be acknowledged after the restart');
      assert.ok(alive(), `a process exited on a fast restart:\n${api.output()}\n${worker.output()}`);
      // 2. The postmaster killed with SIGKILL, down for a few seconds.
      const killAt = Date.now();
      await pg.kill();
      await waitFor(
        async () => health.some((h) => h.at > killAt && h.status === 503),
        '/healthz to report the outage',
        10_000,
      );
      await pg.start();
      const backAt = Date.now();
      await ackedAtLeast(acked.size + 200, 'events to be acknowledged after the crash');
      await waitFor(async () => health.some((h) => h.at > backAt && h.status === 200), '/healthz to recover', 60_000);
      stop = true;
      await Promise.all([...senders, poller]);
      assert.ok(alive(), `a process exited after the crash:\n${api.output()}\n${worker.output()}`);
      log.warn({ acked: acked.size, statuses: Object.fromEntries(statuses), restart_at: restartAt }, 'outage load');

      // Every acknowledged event processed, once, by the same worker that lived through it all.
      await waitFor(
        async () =>
          (await db.owner.query("select count(*)::int as n from webhook_inbox where status <> 'processed'")).rows[0]
            .n === 0,
        'every event processed',
        150_000,
        250,
      );
      const { rows } = await db.owner.query<{ dedupe_key: string; status: string; received: number }>(
        `select i.dedupe_key, i.status,
         (select count(*)::int from events e where e.type = 'webhook.received' and e.payload->>'inbox_id' = i.id::text) as received
       from webhook_inbox i where i.org_id = $1`,
        [org.id],
      );
      const byKey = new Map(rows.map((r) => [r.dedupe_key, r]));
      for (const id of acked) {
        const r = byKey.get(id);
        assert.ok(r, `acknowledged event ${id} is missing`);
        assert.equal(r.status, 'processed');
        assert.equal(r.received, 1, `event ${id} processed ${r.received} times`);
      }
      assert.ok(alive(), 'both processes still run');
      // An outage is a 503 with Retry-After, never a 500.
      assert.equal(
        statuses.get(500) ?? 0,
        0,
        `500s during the outage: ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      assert.ok(retryAfterOn503 > 0 || (statuses.get(503) ?? 0) === 0, 'a 503 carries Retry-After');
    } finally {
      for (const p of procs) p.kill('SIGKILL');
      await Promise.all(procs.map(exited));
    }
  },
);
