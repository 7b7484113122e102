/**
 * bench/publish: 1,000 posts published to a Shopify shop and 1,000 items to a Webflow site, both
 * sandboxes on loopback with their rate limits set to the tested values below and Plexus told
 * the same allowed rates (`PLEXUS_<ID>_REQUESTS_PER_MINUTE`). One batch per site goes in through
 * `POST /v1/publish`; a worker process publishes them and is SIGKILLed once, at about 30% of
 * each; a new worker takes the jobs over. Prints per site the items, elapsed time, requests the
 * site admitted, the achieved request rate as a ratio of the allowed rate (target >= 0.9; how it
 * is computed: ./rate-use.ts), duplicates and missing items on the site (both must be 0, else
 * the exit code is 1) and the 429s the site answered.
 *
 * Shopify's rate is counted in calculated query cost (points): its allowed rate and the calls it
 * admitted are weighed by each call's actual cost, as the shop's bucket counts them.
 *
 * BENCH_ITEMS, BENCH_SHOPIFY_RESTORE (points/s) and BENCH_WEBFLOW_RPM change the run;
 * BENCH_WORKER_LOG=<file> keeps the worker processes' output (BENCH_WORKER_LOG_LEVEL, default warn).
 */
import { writeFileSync } from 'node:fs';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config/schema.ts';
import { systemClock } from '../src/core/clock.ts';
import { createLogger } from '../src/core/logger.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { contentAdapterFor, type ProviderId } from '../src/providers/registry.ts';
import { connectorContext } from '../src/providers/context.ts';
import { createProviderRuntime } from '../src/providers/runtime.ts';
import type { LoggedRequest } from '../src/sandbox/kit/request-log.ts';
import { siteRate } from '../src/connections/pacing.ts';
import type { ContentKind } from '../src/providers/contracts/content.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { shopifySite } from '../test/fixtures/cms/shopify.ts';
import { webflowSite } from '../test/fixtures/cms/webflow.ts';
import type { TestContext } from '../test/helpers/app.ts';
import type { CmsSite } from '../test/helpers/cms-fixture.ts';
import { exited, spawnTs } from '../test/helpers/process.ts';
import { benchDatabase } from './harness.ts';
import { rateUse } from './rate-use.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
// Tested limits: a Shopify query-cost bucket of 1,000 points restoring 50 a second (half the
// Standard plan's 100/s), so 1,000 article creates at 10 points each take over three minutes;
// Webflow's Starter/Basic plans, 60 requests a minute per token (cms.md §5.5; its bulk create
// takes 100 items a call).
const SHOPIFY_BUCKET = 1000;
const SHOPIFY_RESTORE = Number(process.env.BENCH_SHOPIFY_RESTORE ?? 50);
const WEBFLOW_RPM = Number(process.env.BENCH_WEBFLOW_RPM ?? 60);
const KILL_AT = 0.3;
/** A stretch this long without a call to a site ends a span of calls (see ./rate-use.ts). */
const PAUSE_MS = 5000;
const DEADLINE_MS = 12 * 60_000;

const masterKey = Buffer.alloc(32, 11).toString('base64');
const keyring = keyringFromEnv(masterKey);
const log = createLogger({ level: 'warn', name: 'bench' });
const runStart = Date.now();

interface Site {
  name: string;
  provider: ProviderId;
  fixture: CmsSite & { sandbox: { requests: { entries(): LoggedRequest[] } } };
  kind: ContentKind;
  /** Paths of the platform API (not OAuth, not the sandbox's control surface). */
  apiPrefix: string;
  /** The query parameter of a look-up by slug (for a create that may have landed before the kill). */
  slugParam: string;
  connectionId: string;
  batchId: string;
  slugs: string[];
  itemIds: string[];
  calls: { at: number; status: number; slugLookup: boolean }[];
  seq: number;
  /** For a site that counts query cost: the points each executed call cost, with its time. */
  charges?: () => readonly { at: number; cost: number }[];
}

const shop = await shopifySite({ maximumAvailable: SHOPIFY_BUCKET, restoreRate: SHOPIFY_RESTORE });
const flow = await webflowSite({ requestsPerMinute: WEBFLOW_RPM });
const blank = () => ({ connectionId: '', batchId: '', slugs: [], itemIds: [], calls: [], seq: 0 });
const sites: Site[] = [
  // A look-up by handle is a GraphQL query: it is not told apart from other calls here.
  {
    name: 'Shopify',
    provider: 'shopify',
    fixture: shop,
    kind: 'post',
    apiPrefix: '/admin/api/',
    slugParam: 'handle',
    ...blank(),
    charges: () => shop.sandbox.charges(),
  },
  {
    name: 'Webflow',
    provider: 'webflow',
    fixture: flow,
    kind: 'item',
    apiPrefix: '/v2/',
    slugParam: 'slug',
    ...blank(),
  },
];
const [shopify, webflow] = sites as [Site, Site];
const env: Record<string, string> = {
  ...shop.env,
  ...flow.env,
  PLEXUS_SHOPIFY_REQUESTS_PER_MINUTE: String(SHOPIFY_RESTORE * 60),
  PLEXUS_WEBFLOW_REQUESTS_PER_MINUTE: String(WEBFLOW_RPM),
};
const db = await benchDatabase('publish', 8);
const rt = createProviderRuntime(systemClock, env);
const api = await buildApp({
  config: loadConfig({ PLEXUS_MASTER_KEY: masterKey, LOG_LEVEL: 'warn' }),
  db,
  keyring,
  log,
  clock: systemClock,
  metrics: createMetrics(db),
  providers: rt,
  ssrf: rt.ssrf,
  publicUrl: () => 'http://127.0.0.1',
});
await api.ready();

// The sandboxes keep a bounded request log: it is copied out as the run goes.
const collect = () => {
  for (const s of sites) {
    for (const e of s.fixture.sandbox.requests.entries()) {
      if (e.seq <= s.seq) continue;
      s.seq = e.seq;
      if (e.path.startsWith(s.apiPrefix))
        s.calls.push({
          at: e.at,
          status: e.status,
          slugLookup: e.method === 'GET' && e.query[s.slugParam] !== undefined,
        });
    }
  }
};
const collector = setInterval(collect, 200);

const workerEnv = {
  ...env,
  DATABASE_URL: db.ownerUrl,
  PLEXUS_MASTER_KEY: masterKey,
  LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
  PLEXUS_DEMO: '0',
  // Scheduled content syncs would call the same sites from the same budget: off for the bench.
  PLEXUS_SYNC_INTERVAL_MINUTES: '0',
  // A killed worker's jobs are taken over within about 2 s instead of the default 35 s.
  PLEXUS_HEARTBEAT_MS: '200',
  PLEXUS_WORKER_STALE_MS: '2000',
  PLEXUS_WORKER_POLL_MS: '200',
};
const workers: ReturnType<typeof spawnTs>[] = [];
const startWorker = () => workers.push(spawnTs('src/main.ts', workerEnv, ['worker']));

let failed = false;
try {
  const { org, apiKey } = await createOrg(db.owner, 'bench');
  const auth = { authorization: `Bearer ${apiKey}` };
  // The fixtures' connect uses only the database and the keyring of a test context.
  const ctx = { db, keyring } as Pick<TestContext, 'db' | 'keyring'> as TestContext;
  for (const s of sites) {
    s.connectionId = await s.fixture.connect(ctx, org.id);
    const { rows } = await db.owner.query<{ id: string; slug: string }>(
      `insert into content_items (org_id, kind, title, body_html, excerpt, slug, status)
       select $1, $2, 'Bench ' || $3 || ' ' || n, '<p>Bench body ' || n || '</p>', 'Bench excerpt ' || n, $3 || '-' || lpad(n::text, 5, '0'), 'published'
       from generate_series(1, $4::int) n returning id, slug`,
      [org.id, s.kind, `bench-${s.provider}`, ITEMS],
    );
    rows.sort((a, b) => a.slug.localeCompare(b.slug));
    s.slugs = rows.map((r) => r.slug);
    s.itemIds = rows.map((r) => r.id);
  }
  const post = async (s: Site) => {
    const res = await api.inject({
      method: 'POST',
      url: '/v1/publish',
      headers: auth,
      payload: { item_ids: s.itemIds, connection_ids: [s.connectionId] },
    });
    if (res.statusCode !== 202) throw new Error(`POST /v1/publish for ${s.name}: ${res.statusCode} ${res.body}`);
    s.batchId = res.json<{ id: string }>().id;
  };
  const progress = async (s: Site) => {
    if (!s.batchId) return { done: 0, status: 'not posted' };
    const { rows } = await db.owner.query<{ done: number; status: string }>(
      'select done, status from publish_batches where id = $1',
      [s.batchId],
    );
    return rows[0]!;
  };
  const settled = (status: string) => status.startsWith('completed') || status === 'failed';

  const t0 = Date.now();
  startWorker();
  await post(shopify);
  // Webflow's bulk create makes its 1,000 items seconds of work against Shopify's minutes of
  // one-call creates: its batch goes in once Shopify is a quarter through, so the one kill
  // lands at about 30% of both.
  let killAt: number | undefined;
  let atKill: { site: string; done: number; inFlight: number }[] = [];
  for (;;) {
    if (Date.now() - t0 > DEADLINE_MS)
      throw new Error(
        `not finished after ${DEADLINE_MS / 60_000} minutes: ${JSON.stringify(await Promise.all(sites.map(progress)))}`,
      );
    const [ps, pw] = [await progress(shopify), await progress(webflow)];
    if (!webflow.batchId && ps.done >= 0.25 * ITEMS) await post(webflow);
    if (killAt === undefined && pw.done >= KILL_AT * ITEMS) {
      const victim = workers[0]!;
      victim.kill('SIGKILL');
      killAt = Date.now();
      await exited(victim);
      atKill = await Promise.all(
        sites.map(async (s) => {
          // Creates marked as started but not recorded: sent, or about to be; found again by slug.
          const { rows } = await db.owner.query<{ n: number }>(
            'select count(*)::int as n from content_targets where connection_id = $1 and create_started_at is not null and remote_id is null',
            [s.connectionId],
          );
          return { site: s.name, done: (await progress(s)).done, inFlight: rows[0]!.n };
        }),
      );
      startWorker();
    }
    if (killAt !== undefined && settled(ps.status) && settled(pw.status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  collect();

  console.log(
    `bench/publish: ${ITEMS} items to each site, one batch per site through POST /v1/publish; the worker process SIGKILLed once and replaced`,
  );
  for (const a of atKill)
    console.log(`  at the kill: ${a.site} ${a.done}/${ITEMS} done, ${a.inFlight} creates started but not recorded`);
  console.log(
    `  ratio = calls the site admitted / the most a limiter of the allowed rate and burst admits over the spans the site was being called (split at the kill and at pauses over ${PAUSE_MS / 1000} s, which are listed)`,
  );
  for (const s of sites) {
    const res = await api.inject({ method: 'GET', url: `/v1/publish/${s.batchId}`, headers: auth });
    const b = res.json<{
      status: string;
      done: number;
      failed: number;
      started_at: string;
      finished_at: string;
      items: { remote_id: string | null }[];
    }>();
    const counts = await Promise.all(s.slugs.map((slug) => s.fixture.site.countBySlug(s.kind, slug)));
    const missing = counts.filter((n) => n === 0).length;
    const duplicates = counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const rate = siteRate(connectorContext(rt, s.provider))!;
    // Query cost: each executed call counts its points (a THROTTLED one executed nothing and costs none).
    const charges = s.charges?.();
    const admitted = charges ? charges.map((c) => ({ at: c.at })) : s.calls.filter((c) => c.status !== 429);
    const times = charges
      ? charges.flatMap((c) => Array.from({ length: c.cost }, () => c.at))
      : admitted.map((c) => c.at);
    const unit = charges ? 'points' : 'requests';
    const use = rateUse(times, {
      perSecond: rate.perSecond,
      burst: rate.burst,
      cuts: killAt === undefined ? [] : [killAt],
      pauseMs: PAUSE_MS,
    });
    const throttled = s.calls.length - admitted.length;
    if (charges)
      console.log(
        `    ${admitted.length} calls executed, ${charges.reduce((n, c) => n + c.cost, 0)} points of actual query cost`,
      );
    const lookups = s.calls.filter((c) => c.slugLookup && c.at >= (killAt ?? Infinity)).length;
    const elapsed = (Date.parse(b.finished_at) - Date.parse(b.started_at)) / 1000;
    const adapter = contentAdapterFor(s.provider)!;
    const perCall = adapter.createMany ? (adapter.bulkSize ?? 25) : 1;
    console.log(
      `  ${s.name} (allowed ${(rate.perSecond * 60).toFixed(0)} ${unit}/min, burst ${rate.burst.toFixed(0)}, ${perCall} item(s) per create call): batch ${b.status}, ${b.done} done, ${b.failed} failed, ${b.items.filter((i) => i.remote_id).length} with a remote id`,
    );
    console.log(
      `    elapsed ${elapsed.toFixed(1)} s from batch start to finish (kill and takeover included); ${s.calls.length} requests to the site, ${lookups} of them look-ups by slug after the kill`,
    );
    console.log(
      `    achieved ${((use.calls / Math.max(use.activeSeconds, 1e-9)) * 60).toFixed(1)} ${unit}/min over ${use.activeSeconds.toFixed(1)} s of calls (${use.spans.map((p) => `${p.calls} ${unit} in ${p.seconds.toFixed(1)} s`).join(', ')}; pauses not counted: ${use.pauses.map((p) => `${p.toFixed(1)} s`).join(', ') || 'none'})`,
    );
    console.log(
      `    allowed over those spans: ${use.allowed.toFixed(0)} ${unit} → ratio ${use.ratio.toFixed(2)} (target >= 0.9)`,
    );
    // Bulk create makes items and calls different things: the same spans, counted in items.
    // On Shopify an item's create is one mutation of 10 points.
    const itemsAllowed = charges ? use.allowed / 10 : use.allowed * perCall;
    const per = charges ? 'one 10-point mutation per item' : `${perCall} per call`;
    console.log(
      `    items: ${ITEMS} over those spans, where the allowed ${unit} at ${per} permit ${itemsAllowed.toFixed(0)} (${(ITEMS / itemsAllowed).toFixed(2)} of it)`,
    );
    console.log(
      `    duplicates on the site: ${duplicates} (must be 0); missing: ${missing} (must be 0); ${charges ? 'THROTTLED answers' : '429s'} received: ${throttled}`,
    );
    if (duplicates || missing || b.failed || b.status !== 'completed') failed = true;
  }
} catch (err) {
  failed = true;
  console.error(err);
  for (const w of workers) console.error(w.output().slice(-4000));
} finally {
  clearInterval(collector);
  for (const w of workers) {
    if (w.exitCode !== null || w.signalCode !== null) continue;
    w.kill('SIGTERM');
    // A worker that does not drain in time is not waited for.
    const t = setTimeout(() => w.kill('SIGKILL'), 15_000);
    await exited(w);
    clearTimeout(t);
  }
  if (process.env.BENCH_WORKER_LOG)
    writeFileSync(process.env.BENCH_WORKER_LOG, workers.map((w, i) => `--- worker ${i + 1}\n${w.output()}`).join('\n'));
  await api.close();
  await rt.close();
  await db.close();
  await shop.close();
  await flow.close();
}
console.log(`  bench run: ${((Date.now() - runStart) / 1000).toFixed(0)} s in all`);
process.exitCode = failed ? 1 : 0;
