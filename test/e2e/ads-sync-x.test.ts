import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xAdsSync } from '../../src/providers/x/sync.ts';
import { sandbox as xSandbox, type XRunningSandbox } from '../../src/providers/x/sandbox.ts';
import { promotedTweetDay } from '../../src/providers/x/sandbox/stats.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import { resetCircuits } from '../../src/providers/kit/circuit.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: XRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  sb = await xSandbox.start({ seed: 41, size: 1500 });
  ctx = await createTestContext({
    env: { PLEXUS_X_CLIENT_ID: sb.consumerKey, PLEXUS_X_CLIENT_SECRET: sb.consumerSecret, PLEXUS_X_BASE_URL: sb.url },
  });
  org = await newOrg(ctx);
  const t = sb.mintToken();
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'x',
    { kind: 'oauth1a', accessToken: t.token, tokenSecret: t.secret },
    { externalId: sb.world().accounts[0]!.id },
  );
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;
/** Waits the sync asks for are recorded, not spent: the sandbox's jobs finish by polls, not time. */
const noWait = { sleep: async () => undefined };
const jobKey = (j: { accountId: string; params: Record<string, string> }) =>
  `${j.accountId}|${j.params['entity_ids']}|${j.params['start_time']}|${j.params['end_time']}`;

/** Every stored metric row equals the sandbox's own numbers for that promoted tweet and day. */
async function assertMetricsExact(): Promise<number> {
  const rows = (
    await ctx.db.owner.query(
      'select platform_id, date::text as date, spend_micros::text as spend, impressions::int as imp, clicks::int as clk from ad_metrics_daily order by platform_id, date',
    )
  ).rows;
  for (const m of rows) {
    const raw = promotedTweetDay(sb.world(), m.platform_id, m.date)!;
    assert.ok(raw, `${m.platform_id} ${m.date} exists at the platform`);
    assert.equal(BigInt(m.spend), BigInt(raw.billed_charge_local_micro), `${m.platform_id} ${m.date}`);
    assert.equal(m.imp, raw.impressions);
    assert.equal(m.clk, raw.clicks);
  }
  return rows.length;
}

test('X: a full sync lands accounts, campaigns, line items, promoted tweets and daily stats, money exact', async () => {
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', { historyDays: 30, ...noWait });
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.lineItems);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.promotedTweets);
  const metricRows = await count('select count(*)::int as n from ad_metrics_daily');
  assert.ok(metricRows > c.metricRows * 0.9 && metricRows <= c.metricRows, `${metricRows} of ${c.metricRows}`);
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );

  const acct = sb.world().accounts.find((a) => a.currency === 'EUR')!;
  const a = (
    await ctx.db.owner.query(
      "select currency, time_zone from ad_entities where level = 'account' and platform_id = $1",
      [acct.id],
    )
  ).rows[0];
  assert.deepEqual(
    [a.currency, a.time_zone],
    ['EUR', 'Europe/Berlin'],
    'currency from the funding instrument, time zone kept',
  );

  const li = sb
    .world()
    .lineItems.find(
      (l) =>
        !l.deleted && l.total_budget_amount_local_micro !== null && l.total_budget_amount_local_micro % 1_000_000 !== 0,
    )!;
  const row = (
    await ctx.db.owner.query(
      "select lifetime_budget_micros, parent_platform_id from ad_entities where level = 'ad_group' and platform_id = $1",
      [li.id],
    )
  ).rows[0];
  assert.equal(BigInt(row.lifetime_budget_micros), BigInt(li.total_budget_amount_local_micro!));
  assert.equal(row.parent_platform_id, li.campaign_id);

  assert.ok((await assertMetricsExact()) > 0);

  // The numbers came through asynchronous jobs: created, polled until SUCCESS, each file
  // downloaded once, and the synchronous endpoint never used.
  const jobs = sb.statsJobs.list();
  assert.ok(jobs.length >= 2, `${jobs.length} jobs`);
  assert.ok(
    jobs.every((j) => j.status === 'SUCCESS' && j.downloads === 1 && j.polls >= 2),
    JSON.stringify(jobs.map((j) => [j.status, j.downloads, j.polls])),
  );
  assert.ok(jobs.every((j) => j.params['entity_ids']!.split(',').length <= 20 && j.params['granularity'] === 'DAY'));
  assert.equal(new Set(jobs.map(jobKey)).size, jobs.length, 'one job per ids and days');
  assert.equal(sb.requests.count({ pathPrefix: '/12/stats/accounts/' }), 0, 'no synchronous stats calls');
  assert.ok(sb.requests.count({ pathPrefix: '/ton/', status: 200 }) === jobs.length);
});

test('X: entity_status maps (DRAFT → pending), a deleted campaign is marked deleted after a re-sync', async () => {
  const byStatus = (
    await ctx.db.owner.query(
      "select platform_status, status::text from ad_entities where level = 'campaign' group by 1, 2",
    )
  ).rows;
  const want: Record<string, string> = { ACTIVE: 'active', PAUSED: 'paused', DRAFT: 'pending' };
  for (const s of byStatus) assert.equal(s.status, want[s.platform_status], JSON.stringify(s));
  assert.ok(
    byStatus.some((s) => s.platform_status === 'DRAFT'),
    'drafts are synced',
  );

  const campaign = sb.world().campaigns.find((c) => !c.deleted && c.entity_status === 'ACTIVE')!;
  sb.remote.delete(campaign.id);
  await runAdsSync(deps, org.id, conn, xAdsSync, 'test', noWait);
  const row = (
    await ctx.db.owner.query(
      "select status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [campaign.id],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'ad' and status <> 'deleted'"),
    sb.counts().promotedTweets,
  );
});

test('X: a 429 is waited out until x-rate-limit-reset without failing the sync', async () => {
  sb.faults.rateLimit({ times: 1, pathPrefix: '/stats', retryAfterSeconds: 120 });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', {
    maxInlineWaitMs: 900_000,
    sleep: async (ms) => void waits.push(ms),
  });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  assert.equal(run.rate_limit_waits, 1, 'the 429 is the only rate-limit wait; waits for jobs are not counted as such');
  const long = waits.filter((w) => w > 60_000);
  assert.equal(long.length, 1);
  assert.ok(long[0]! > 100_000 && long[0]! <= 120_000, `waited ${long[0]} ms, as the reset header said`);
  assert.ok(
    waits.every((w) => w === long[0] || w <= 30_000),
    'job polls wait at most 30 s',
  );
});

test('X: a stats job that FAILS is replaced by a new job for the same ids and days; the numbers stay exact', async () => {
  await ctx.db.owner.query('delete from ad_metrics_daily');
  const before = sb.statsJobs.list().length;
  sb.statsJobs.failNext(1);
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', noWait);
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  const jobs = sb.statsJobs.list().slice(before);
  const failed = jobs.filter((j) => j.status === 'FAILED');
  assert.equal(failed.length, 1);
  const redo = jobs.filter((j) => j.status === 'SUCCESS' && jobKey(j) === jobKey(failed[0]!));
  assert.equal(redo.length, 1, 'exactly one new job for the failed one');
  assert.ok(redo[0]!.id > failed[0]!.id, 'created after the failure');
  assert.equal(redo[0]!.downloads, 1);
  assert.ok((await assertMetricsExact()) > 0, 'the replaced job delivered its rows');
  const ids = new Set(failed[0]!.params['entity_ids']!.split(','));
  assert.ok(
    (await count('select count(*)::int as n from ad_metrics_daily where platform_id = any($1)', [...ids])) > 0,
    "rows of the failed job's ads are there",
  );
});

test('X: jobs that keep failing end the run as failed; the next sync starts over with new jobs', async () => {
  const before = sb.statsJobs.list().length;
  sb.statsJobs.failNext(1000);
  await assert.rejects(
    runAdsSync(deps, org.id, conn, xAdsSync, 'test', noWait),
    (e: unknown) => isPlexusError(e) && e.retry === 'permanent' && /could not produce the stats report/.test(e.message),
  );
  assert.equal(await count("select count(*)::int as n from sync_runs where status = 'failed'"), 1);
  const tries = new Map<string, number>();
  for (const j of sb.statsJobs.list().slice(before)) tries.set(jobKey(j), (tries.get(jobKey(j)) ?? 0) + 1);
  assert.equal(Math.max(...tries.values()), 3, 'three jobs for the same ids and days, then it gives up');
  sb.statsJobs.failNext(0);
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', noWait);
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
});

test('X: a run stopped while its jobs process resumes polling the same jobs instead of creating new ones', async () => {
  resetCircuits();
  await ctx.db.owner.query('delete from ad_metrics_daily');
  const before = sb.statsJobs.list().length;
  // Jobs take a few polls; the first poll wait (2 s) is longer than this run may wait in place:
  // the job goes back to the queue with its checkpoint, as a worker that dies mid-wait leaves it.
  sb.statsJobs.setPollsToFinish(4);
  after(() => sb.statsJobs.setPollsToFinish(2));
  await assert.rejects(
    runAdsSync(deps, org.id, conn, xAdsSync, 'test', { maxInlineWaitMs: 500, sleep: async () => undefined }),
    (e: unknown) => isPlexusError(e) && e.retry === 'retryable',
  );
  const stopped = (await ctx.db.owner.query("select id, checkpoint from sync_runs where status = 'running'")).rows[0];
  assert.ok(stopped, 'the run is kept with its checkpoint');
  const metricsKey = Object.keys(stopped.checkpoint).find((k) => k.startsWith('metrics:'))!;
  const saved = JSON.parse(stopped.checkpoint[metricsKey]) as { jobs: Array<{ job: string | null }> };
  const savedIds = saved.jobs.map((j) => j.job).filter((j): j is string => j !== null);
  assert.ok(savedIds.length > 0, 'the checkpoint holds the created jobs');
  const createdBefore = sb.statsJobs.list().length;
  assert.ok(
    savedIds.every((id) => sb.statsJobs.list().some((j) => j.id.toString() === id && j.status === 'PROCESSING')),
  );

  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', noWait);
  assert.equal(r.runId, stopped.id, 'the same run continues');
  const jobs = sb.statsJobs.list().slice(before);
  assert.equal(new Set(jobs.map(jobKey)).size, jobs.length, 'no job was created twice');
  for (const id of savedIds)
    assert.equal(
      sb.statsJobs.list().find((j) => j.id.toString() === id)?.downloads,
      1,
      `job ${id} was polled to the end and downloaded`,
    );
  assert.ok(
    sb.statsJobs.list().length - createdBefore < jobs.length,
    'the resumed run created only the jobs not yet made',
  );
  assert.ok((await assertMetricsExact()) > 0);
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
});

test('X: a first sync over 120 days asks for ≤90-day jobs, the most one job may span', async () => {
  const other = await newOrg(ctx, 'Backfill');
  const t = sb.mintToken();
  const id = await seedConnection(
    ctx.db,
    ctx.keyring,
    other.id,
    'x',
    { kind: 'oauth1a', accessToken: t.token, tokenSecret: t.secret },
    { externalId: sb.world().accounts[0]!.id },
  );
  const before = sb.statsJobs.list().length;
  const r = await runAdsSync(deps, other.id, id, xAdsSync, 'initial', { historyDays: 120, ...noWait });
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  const jobs = sb.statsJobs.list().slice(before);
  for (const a of sb.world().accounts) {
    const spans = new Set(
      jobs.filter((j) => j.accountId === a.id).map((j) => `${j.params['start_time']}/${j.params['end_time']}`),
    );
    assert.equal(spans.size, 2, `${a.id}: ${[...spans].join(' ')}`);
  }
  for (const j of jobs)
    assert.ok(
      Date.parse(j.params['end_time']!) - Date.parse(j.params['start_time']!) <= 90 * 86_400_000 + 3_600_000,
      `${j.params['start_time']} → ${j.params['end_time']}`,
    );
  assert.ok(jobs.every((j) => j.status === 'SUCCESS' && j.downloads === 1));
});
