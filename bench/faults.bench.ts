/**
 * bench/faults: what each fault costs. Plexus runs as an operator runs it — its own PostgreSQL
 * (embedded, in a temp folder, restarted and killed by this bench), API and worker processes,
 * a Shopify sandbox on loopback — and each fault is injected from outside:
 *
 * - worker SIGSTOP mid-publish, past the stale window, then SIGCONT (a VM pause, a GC stall);
 * - worker SIGKILL mid-publish, another worker takes over;
 * - PostgreSQL restarted fast under webhook load;
 * - PostgreSQL postmaster SIGKILLed under webhook load, back a few seconds later.
 *
 * Per fault it prints lost (items not on the shop / acknowledged events never processed),
 * duplicated (extra copies on the shop / events processed more than once) and stalled seconds
 * (the longest stretch in which no item landed / no event was processed). Lost and duplicated
 * must be 0 (else the exit code is 1); the stall is reported.
 *
 * BENCH_ITEMS (default 70) and BENCH_WEBHOOK_SECONDS (default 6, load before and after each
 * database fault) change the run.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/schema.ts';
import { createLogger } from '../src/core/logger.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { withOrgTx } from '../src/db/tx.ts';
import { createBatch } from '../src/sync/content/publish.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { schemeFor } from '../src/providers/kit/webhook-schemes/index.ts';
import { shopifySite, type ShopifySite } from '../test/fixtures/cms/shopify.ts';
import type { TestContext } from '../test/helpers/app.ts';
import { seedConnection } from '../test/helpers/connections.ts';
import { ownPostgres, type OwnPostgres } from '../test/helpers/own-postgres.ts';
import { exited, spawnTs } from '../test/helpers/process.ts';
import { waitFor } from '../test/helpers/wait.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 70);
const LOAD_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 6);
const STALE_MS = 3000;
const masterKey = Buffer.alloc(32, 12).toString('base64');
const keyring = keyringFromEnv(masterKey);
const log = createLogger({ level: 'warn', name: 'bench' });

interface Outcome {
  fault: string;
  lost: number;
  duplicated: number;
  stalledSeconds: number;
  /** Plexus processes that ended by themselves during the fault (must be 0). */
  ended: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest gap between consecutive times, with the window's start and end as bounds. */
function longestGap(times: number[], from: number, to: number): number {
  const all = [from, ...times.filter((t) => t >= from && t <= to).sort((a, b) => a - b), to];
  let gap = 0;
  for (let i = 1; i < all.length; i++) gap = Math.max(gap, all[i]! - all[i - 1]!);
  return gap / 1000;
}

async function publishFault(
  db: Database,
  pg: OwnPostgres,
  site: ShopifySite,
  fault: 'SIGSTOP' | 'SIGKILL',
): Promise<Outcome> {
  const { org } = await createOrg(db.owner, `faults-${fault}`);
  const conn = await site.connect({ db, keyring } as TestContext, org.id);
  const prefix = `fault-${fault.toLowerCase()}-`;
  const { rows: items } = await db.owner.query<{ id: string; slug: string }>(
    `insert into content_items (org_id, kind, title, body_html, slug, status) select $1, 'post', 'Fault ' || g, '<p>Body ' || g || '</p>', $3 || g, 'published' from generate_series(1, $2) g returning id, slug`,
    [org.id, ITEMS, prefix],
  );
  const env = {
    DATABASE_URL: pg.url,
    PLEXUS_MASTER_KEY: masterKey,
    LOG_LEVEL: 'error',
    PLEXUS_HEARTBEAT_MS: '200',
    PLEXUS_WORKER_STALE_MS: String(STALE_MS),
    PLEXUS_WORKER_POLL_MS: '200',
    PLEXUS_CREATE_SETTLE_MS: '3000',
    ...site.env,
  };
  const first = spawnTs('src/main.ts', env, ['worker']);
  let second: ReturnType<typeof spawnTs> | undefined;
  const done = async (batchId: string) =>
    (
      await db.owner.query<{ done: number; status: string }>('select done, status from publish_batches where id = $1', [
        batchId,
      ])
    ).rows[0]!;
  const started = Date.now();
  try {
    const batchId = (
      await withOrgTx(db.app, org.id, (c) =>
        createBatch(c, org.id, { itemIds: items.map((i) => i.id), connectionIds: [conn], dryRun: false }),
      )
    ).id;
    await waitFor(
      async () => (await done(batchId)).done >= Math.min(ITEMS - 10, 42),
      'part of the batch',
      120_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${first.output()}`);
    });
    first.kill(fault);
    second = spawnTs('src/main.ts', env, ['worker']);
    if (fault === 'SIGSTOP') {
      await sleep(STALE_MS * 3);
      first.kill('SIGCONT');
    }
    await waitFor(async () => (await done(batchId)).status === 'completed', 'the batch to complete', 300_000, 100);
    let lost = 0;
    let duplicated = 0;
    for (const it of items) {
      const n = await site.site.countBySlug('post', it.slug);
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
    }
    const { rows } = await db.owner.query<{ at: Date }>(
      'select updated_at as at from publish_batch_items where batch_id = $1',
      [batchId],
    );
    const ended = fault === 'SIGSTOP' && (first.exitCode !== null || first.signalCode !== null) ? 1 : 0;
    return {
      fault: `worker ${fault} mid-publish (${ITEMS} items)`,
      lost,
      duplicated,
      stalledSeconds: longestGap(
        rows.map((r) => r.at.getTime()),
        started,
        Date.now(),
      ),
      ended,
    };
  } finally {
    first.kill('SIGCONT');
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
    await exited(first);
    if (second) await exited(second);
  }
}

async function databaseFault(db: Database, pg: OwnPostgres, fault: 'restart' | 'SIGKILL'): Promise<Outcome> {
  const secret = 'faults-bench-shopify-secret';
  const shop = `faults-${fault.toLowerCase()}.myshopify.com`;
  const { org } = await createOrg(db.owner, `faults-db-${fault}`);
  const conn = await seedConnection(
    db,
    keyring,
    org.id,
    'shopify',
    { kind: 'oauth2', accessToken: 'x' },
    { externalId: shop },
  );
  await db.owner.query('update connections set account_refs = array[$2] where id = $1', [conn, shop]);
  const env = {
    DATABASE_URL: pg.url,
    PLEXUS_MASTER_KEY: masterKey,
    LOG_LEVEL: 'error',
    PLEXUS_SHOPIFY_CLIENT_ID: 'id',
    PLEXUS_SHOPIFY_CLIENT_SECRET: secret,
    PLEXUS_HEARTBEAT_MS: '200',
    PLEXUS_WORKER_STALE_MS: String(STALE_MS),
    PLEXUS_WORKER_POLL_MS: '200',
  };
  const api = spawnTs('src/main.ts', { ...env, PORT: '0' }, ['api']);
  const worker = spawnTs('src/main.ts', env, ['worker']);
  const acked = new Set<string>();
  let stop = false;
  const started = Date.now();
  try {
    const url = await waitFor(async () => /Plexus is running at (\S+)/.exec(api.output())?.[1], 'API to start', 60_000);
    const senders = Array.from({ length: 6 }, async () => {
      while (!stop) {
        const id = randomUUID();
        const raw = Buffer.from(JSON.stringify({ id }));
        const s = schemeFor('hmac-sha256-base64').sign(
          { rawBody: raw, secret, nowMs: Date.now() },
          { signatureHeader: 'x-shopify-hmac-sha256' },
        );
        try {
          const res = await fetch(`${url}/webhooks/shopify`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-shopify-topic': 'orders/create',
              'x-shopify-shop-domain': shop,
              'x-shopify-webhook-id': id,
              ...s.headers,
            },
            body: s.body,
          });
          if (res.status === 200) acked.add(id);
          await res.arrayBuffer();
        } catch {
          await sleep(20);
        }
      }
    });
    await sleep(LOAD_SECONDS * 1000);
    if (fault === 'restart') await pg.restart();
    else {
      await pg.kill();
      await sleep(2000);
      await pg.start();
    }
    await sleep(LOAD_SECONDS * 1000);
    stop = true;
    await Promise.all(senders);
    const ended = Date.now();
    await waitFor(
      async () =>
        (
          await db.owner.query(
            "select count(*)::int as n from webhook_inbox where org_id = $1 and status <> 'processed'",
            [org.id],
          )
        ).rows[0].n === 0,
      'every event processed',
      180_000,
      250,
    );
    const { rows } = await db.owner.query<{ key: string; at: Date; n: number }>(
      `select i.dedupe_key as key, i.processed_at as at, (select count(*)::int from events e where e.org_id = $1 and e.type = 'webhook.received' and e.payload->>'inbox_id' = i.id::text) as n
       from webhook_inbox i where i.org_id = $1`,
      [org.id],
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    let lost = 0;
    let duplicated = 0;
    for (const id of acked) {
      const r = byKey.get(id);
      if (!r || r.n === 0) lost++;
      else if (r.n > 1) duplicated += r.n - 1;
    }
    const endedEarly = [api, worker].filter((p) => p.exitCode !== null || p.signalCode !== null).length;
    return {
      fault: `PostgreSQL ${fault} under webhook load (${acked.size} acknowledged)`,
      lost,
      duplicated,
      stalledSeconds: longestGap(
        rows.map((r) => r.at.getTime()),
        started + 1000,
        ended,
      ),
      ended: endedEarly,
    };
  } finally {
    stop = true;
    api.kill('SIGKILL');
    worker.kill('SIGKILL');
    await Promise.all([exited(api), exited(worker)]);
  }
}

const pg = await ownPostgres(log);
const db = await openDatabase(
  loadConfig({ DATABASE_URL: pg.url, PLEXUS_MASTER_KEY: masterKey, PLEXUS_WORKER_CONCURRENCY: '2' }),
  log,
  {},
);
const site = await shopifySite();
const outcomes: Outcome[] = [];
try {
  outcomes.push(await publishFault(db, pg, site, 'SIGSTOP'));
  outcomes.push(await publishFault(db, pg, site, 'SIGKILL'));
  outcomes.push(await databaseFault(db, pg, 'restart'));
  outcomes.push(await databaseFault(db, pg, 'SIGKILL'));
} finally {
  await site.close();
  await db.close();
  await pg.close();
}
const w = Math.max(...outcomes.map((o) => o.fault.length));
process.stdout.write(`\n${'fault'.padEnd(w)}  lost  duplicated  stalled_s  processes_ended\n`);
for (const o of outcomes)
  process.stdout.write(
    `${o.fault.padEnd(w)}  ${String(o.lost).padStart(4)}  ${String(o.duplicated).padStart(10)}  ${o.stalledSeconds.toFixed(1).padStart(9)}  ${String(o.ended).padStart(15)}\n`,
  );
const bad = outcomes.some((o) => o.lost > 0 || o.duplicated > 0 || o.ended > 0);
process.exitCode = bad ? 1 : 0;
