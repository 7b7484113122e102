import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError, plexusError } from '../../src/core/errors.ts';
import { metaAdsSync } from '../../src/providers/meta/sync.ts';
import {
  sandbox as metaSandbox,
  type MetaRunningSandbox,
  type MetaSandboxOptions,
} from '../../src/providers/meta/sandbox.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedSandboxMetaConnection } from '../helpers/connections.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  sb = await metaSandbox.start({ seed: 21, size: 3000 });
  ctx = await createTestContext({
    env: { PLEXUS_META_CLIENT_ID: sb.appId, PLEXUS_META_CLIENT_SECRET: sb.appSecret, PLEXUS_META_BASE_URL: sb.url },
  });
  org = await newOrg(ctx);
  conn = await seedSandboxMetaConnection(ctx, org.id, sb);
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;
// Metric rows of the seeded history, as the first full sync found them.
let historyRows = 0;

test('Meta: a full sync lands every entity and metric row in the unified model, money exact', async () => {
  sb.requests.clear();
  const r = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { historyDays: 400 });
  assert.equal(r.listing, 'full');
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.adsets);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.ads);
  const metricRows = await count('select count(*)::int as n from ad_metrics_daily');
  assert.ok(metricRows > 0 && metricRows <= c.metricRows, `${metricRows} of ${c.metricRows}`);
  historyRows = metricRows;
  // A history backfill: one async report job per account, polled, its rows read from the job.
  assert.equal(sb.requests.count({ method: 'POST', pathIncludes: '/insights' }), c.accounts);
  const reads = sb.requests.entries({ method: 'GET', pathIncludes: '/insights' });
  assert.ok(
    reads.length > 0 && reads.every((q) => !q.path.includes('/act_')),
    'rows come from the report runs, not from synchronous reads',
  );
  const polls = sb.requests.entries({ method: 'GET' }).filter((q) => /^(\/v[\d.]+)?\/\d+$/.test(q.path));
  assert.ok(polls.length >= c.accounts * 3, `each job polled until "Job Completed" (${polls.length} polls)`);
  assert.ok(r.pages > 4);
  // Money: a campaign budget (minor units string) and an insights spend (major decimal) against the platform's own values.
  const camp = (
    await ctx.db.owner.query(
      "select raw, daily_budget_micros, currency from ad_entities where level = 'campaign' and raw->>'daily_budget' is not null limit 1",
    )
  ).rows[0];
  const offset = ['JPY'].includes(camp.currency) ? 1 : 100;
  assert.equal(BigInt(camp.daily_budget_micros), (BigInt(camp.raw.daily_budget) * 1_000_000n) / BigInt(offset));
  const run = (await ctx.db.owner.query('select status, pages, records from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  assert.equal(
    (await ctx.db.owner.query("select count(*)::int as n from events where type = 'sync.completed'")).rows[0].n,
    1,
  );
});

test('Meta: a sync interrupted mid-way resumes from its checkpoint with nothing missing or doubled', async () => {
  await ctx.db.owner.query('delete from ad_metrics_daily; delete from ad_entities; delete from sync_runs');
  sb.faults.serverError({ times: 50, pathPrefix: '/act_' });
  // The platform keeps failing on ad-account edges: the run stops with its checkpoint kept.
  await assert.rejects(
    runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { historyDays: 400 }),
    (e: unknown) => isPlexusError(e) && e.retry === 'retryable',
  );
  const partial = (await ctx.db.owner.query("select id, status, checkpoint from sync_runs where status = 'running'"))
    .rows[0];
  assert.ok(partial, 'the run is kept for the next attempt');
  assert.equal(partial.checkpoint.accounts, 'done');
  sb.faults.clear();
  const r = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { historyDays: 400 });
  assert.equal(r.runId, partial.id, 'the same run continues');
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.ads);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
});

test('Meta: restated days leave revisions, deleted campaigns are marked deleted', async () => {
  const changed = sb.remote.restate(3);
  assert.ok(changed.length > 0);
  const campaign = (
    await ctx.db.owner.query(
      "select platform_id from ad_entities where level = 'campaign' and status <> 'deleted' limit 1",
    )
  ).rows[0].platform_id;
  sb.remote.delete(campaign);
  const r = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test');
  assert.equal(r.listing, 'changed', 'a re-sync lists only entities changed since the last run');
  assert.ok(r.revisions > 0, 'restated metrics recorded as revisions');
  const rev = (await ctx.db.owner.query('select previous, current from ad_metric_revisions limit 1')).rows[0];
  assert.notDeepEqual(rev.previous, rev.current);
  const row = (
    await ctx.db.owner.query(
      "select status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [campaign],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
});

test('the unified ads API reads what the sync stored, with cursor pagination and metric grouping', async () => {
  const { auth } = await import('../helpers/app.ts');
  const campaigns = await ctx.app.inject({ method: 'GET', url: '/v1/ads/campaigns?limit=5', headers: auth(org.key) });
  assert.equal(campaigns.statusCode, 200, campaigns.body);
  assert.equal(campaigns.json().data.length, 5);
  assert.ok(campaigns.json().next_cursor);
  assert.equal(campaigns.json().data[0].provider, 'meta');
  const next = await ctx.app.inject({
    method: 'GET',
    url: `/v1/ads/campaigns?limit=5&cursor=${campaigns.json().next_cursor}`,
    headers: auth(org.key),
  });
  assert.ok(
    next.json().data.every((c: { id: string }) => !campaigns.json().data.some((d: { id: string }) => d.id === c.id)),
  );
  const byProvider = await ctx.app.inject({
    method: 'GET',
    url: '/v1/ads/metrics?since=2000-01-01&until=2100-01-01&group_by=provider',
    headers: auth(org.key),
  });
  assert.equal(byProvider.statusCode, 200, byProvider.body);
  const total = (await ctx.db.owner.query('select sum(spend_micros)::text as s from ad_metrics_daily')).rows[0].s;
  const sum = byProvider.json().data.reduce((n: bigint, r: { spend_micros: string }) => n + BigInt(r.spend_micros), 0n);
  assert.equal(sum.toString(), total, 'grouping keeps every micro, per currency');
  const revisions = await ctx.app.inject({ method: 'GET', url: '/v1/ads/metrics/revisions', headers: auth(org.key) });
  assert.ok(revisions.json().data.length > 0);
  const queued = await ctx.app.inject({ method: 'POST', url: `/v1/connections/${conn}/syncs`, headers: auth(org.key) });
  assert.equal(queued.statusCode, 202);
  const runs = await ctx.app.inject({ method: 'GET', url: `/v1/connections/${conn}/syncs`, headers: auth(org.key) });
  assert.ok(runs.json().data.length >= 2);
});

test('Meta: usage headers approaching the ceiling slow the sync down; a throttle storm is waited out; neither fails it', async () => {
  const { metaUsagePercent, metaPauseMs } = await import('../../src/providers/meta/usage.ts');
  assert.equal(
    metaUsagePercent({
      'x-app-usage': '{"call_count":12,"total_time":80,"total_cputime":3}',
      'x-ad-account-usage': '{"acc_id_util_pct":9.5}',
    }),
    80,
  );
  assert.equal(
    metaUsagePercent({
      'x-business-use-case-usage': '{"act_1":[{"type":"ads_insights","call_count":97,"total_time":1}]}',
    }),
    97,
  );
  assert.equal(metaUsagePercent({ 'x-app-usage': 'not json' }), 0);
  assert.equal(metaPauseMs(50), 0);
  assert.ok(metaPauseMs(95) > metaPauseMs(80));

  const busy = await metaSandbox.start({
    seed: 21,
    size: 3000,
    limits: { appCallsPerHour: 8, windowMs: 3_600_000 },
  } as never);
  const c2 = await createTestContext({
    env: {
      PLEXUS_META_CLIENT_ID: busy.appId,
      PLEXUS_META_CLIENT_SECRET: busy.appSecret,
      PLEXUS_META_BASE_URL: busy.url,
    },
  });
  try {
    const o = await newOrg(c2);
    const id = await seedSandboxMetaConnection(c2, o.id, busy);
    const waits: number[] = [];
    // The sandbox's usage window never moves here, so past 100% it throttles: each throttle is
    // answered by clearing its counters, as an hour passing would.
    const sleep = async (ms: number) => {
      waits.push(ms);
      busy.usage.reset();
    };
    const d2 = { ...c2.providers, db: c2.db, keyring: c2.keyring, log: c2.log };
    // A window within the look-back reads insights synchronously: every pause here is a rate-limit one.
    const r = await runAdsSync(d2, o.id, id, metaAdsSync, 'test', { historyDays: 28, sleep, maxInlineWaitMs: 120_000 });
    const run = (await c2.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
      .rows[0];
    assert.equal(run.status, 'completed');
    assert.ok(
      run.rate_limit_waits > 0 && waits.length === run.rate_limit_waits,
      `${run.rate_limit_waits} waits, ${waits.length} pauses`,
    );
    assert.equal(
      (await c2.db.owner.query("select count(*)::int as n from ad_entities where level = 'ad'")).rows[0].n,
      busy.counts().ads,
    );
  } finally {
    await c2.close();
    await busy.close();
  }
});

test('campaigns are created, updated, paused and deleted through the unified API; platform validation errors are 422', async () => {
  const { auth } = await import('../helpers/app.ts');
  const account =
    (
      await ctx.db.owner.query(
        "select platform_id, currency from ad_entities where level = 'account' and currency = 'USD' limit 1",
      )
    ).rows[0] ??
    (await ctx.db.owner.query("select platform_id, currency from ad_entities where level = 'account' limit 1")).rows[0];
  const offset = account.currency === 'JPY' ? 1n : 100n;
  const inj = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: auth(org.key), ...(payload ? { payload } : {}) });

  const missing = await inj('POST', '/v1/ads/campaigns', {
    connection_id: conn,
    account_id: account.platform_id,
    name: 'No objective',
  });
  assert.equal(missing.statusCode, 422, missing.body);
  assert.match(missing.json().error.message, /objective/);

  const created = await inj('POST', '/v1/ads/campaigns', {
    connection_id: conn,
    account_id: account.platform_id,
    name: 'Launch',
    objective: 'OUTCOME_TRAFFIC',
    status: 'paused',
    daily_budget_micros: '25000000',
  });
  assert.equal(created.statusCode, 201, created.body);
  const c = created.json();
  assert.equal(c.status, 'paused');
  assert.equal(c.daily_budget_micros, ((((25_000_000n * offset) / 1_000_000n) * 1_000_000n) / offset).toString());
  const atPlatform = sb.world().get(c.platform_id);
  assert.equal(
    atPlatform?.fields.daily_budget,
    String((25_000_000n * offset) / 1_000_000n),
    'sent in the account currency minor units',
  );
  const stored = (
    await ctx.db.owner.query("select name, status from ad_entities where level = 'campaign' and platform_id = $1", [
      c.platform_id,
    ])
  ).rows[0];
  assert.deepEqual(stored, { name: 'Launch', status: 'paused' }, 'the stored model reflects the write at once');

  const updated = await inj('PATCH', `/v1/ads/campaigns/${c.id}`, { name: 'Launch 2', status: 'active' });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(updated.json().name, 'Launch 2');
  assert.equal(sb.world().get(c.platform_id)?.fields.name, 'Launch 2');

  const adset = (
    await ctx.db.owner.query(
      "select connection_id, platform_id from ad_entities where level = 'ad_group' and status = 'active' limit 1",
    )
  ).rows[0];
  const adsetId = Buffer.from(`${adset.connection_id}|ad_group|${adset.platform_id}`).toString('base64url');
  const paused = await inj('POST', `/v1/ads/ad-groups/${adsetId}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');

  const deleted = await inj('DELETE', `/v1/ads/campaigns/${c.id}`);
  assert.equal(deleted.statusCode, 200, deleted.body);
  assert.equal(
    (
      await ctx.db.owner.query("select status from ad_entities where level = 'campaign' and platform_id = $1", [
        c.platform_id,
      ])
    ).rows[0].status,
    'deleted',
  );
  assert.equal((await inj('PATCH', `/v1/ads/campaigns/${c.id}`, { name: 'gone' })).statusCode, 404);
});

test('schedules: a connection past its interval gets one sync job; its own interval and 0 (off) are honoured', async () => {
  const { auth } = await import('../helpers/app.ts');
  const { scheduleSyncs } = await import('../../src/jobs/tasks/schedule-syncs.ts');
  const taskCtx = {
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: ctx.clock,
    job: { id: '0', attempt: 1, key: null },
  };
  const pending = async () =>
    (await ctx.db.owner.query('select count(*)::int as n from graphile_worker.jobs where key = $1', [`sync:${conn}`]))
      .rows[0].n;
  await ctx.db.owner.query('select graphile_worker.remove_job($1)', [`sync:${conn}`]);
  await ctx.db.owner.query("update connections set last_sync_at = now() - interval '2 hours' where id = $1", [conn]);
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/connections/${conn}`,
    headers: auth(org.key),
    payload: { sync_interval_minutes: 180 },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().sync_interval_minutes, 180);
  await scheduleSyncs.run({}, taskCtx);
  assert.equal(await pending(), 0, 'not due yet with its own 3-hour interval');
  await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/connections/${conn}`,
    headers: auth(org.key),
    payload: { sync_interval_minutes: 60 },
  });
  await scheduleSyncs.run({}, taskCtx);
  await scheduleSyncs.run({}, taskCtx);
  assert.equal(await pending(), 1, 'due: exactly one job');
  await ctx.db.owner.query('select graphile_worker.remove_job($1)', [`sync:${conn}`]);
  await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/connections/${conn}`,
    headers: auth(org.key),
    payload: { sync_interval_minutes: 0 },
  });
  await scheduleSyncs.run({}, taskCtx);
  assert.equal(await pending(), 0, '0 turns scheduled syncs off');
});

const reportPolls = (id: string) => sb.requests.entries({ method: 'GET' }).filter((q) => q.path.endsWith(`/${id}`));

test('Meta: report jobs are asked for up front; a failed one is created again; a run stopped while waiting resumes polling the same jobs', async () => {
  await ctx.db.owner.query(
    'delete from ad_metric_revisions; delete from ad_metrics_daily; delete from ad_entities; delete from sync_runs',
  );
  sb.requests.clear();
  sb.remote.failNextReport();
  // The first wait on a job ends the attempt, as a worker killed while waiting would.
  let stops = 0;
  const stopFirstWait = async () => {
    if (stops++ === 0) throw plexusError('unavailable', { message: 'worker stopped while waiting' });
  };
  await assert.rejects(
    runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { historyDays: 400, sleep: stopFirstWait }),
    /worker stopped/,
  );
  const stopped = (await ctx.db.owner.query("select id, checkpoint from sync_runs where status = 'running'")).rows[0];
  const accounts = sb.counts().accounts;
  const saved = Object.entries(stopped.checkpoint as Record<string, string>)
    .filter(([k]) => k.startsWith('metrics:'))
    .map(([k, v]) => ({ account: k.slice('metrics:'.length), report: (JSON.parse(v) as { report: string }).report }));
  // Every account's job was asked for before the sync waited on any, and its id saved.
  assert.equal(saved.length, accounts);
  for (const j of saved) assert.match(j.report, /^\d+$/, 'the job id is in the saved cursor');
  const before = sb.requests.entries({ method: 'POST', pathIncludes: '/insights' });
  assert.equal(before.length, accounts);
  const failedAccount = before[0]!.path.split('/').find((p) => p.startsWith('act_'))!;
  const stopSeq = Math.max(...sb.requests.entries().map((q) => q.seq));

  const r = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test', {
    historyDays: 400,
    sleep: async () => undefined,
  });
  assert.equal(r.runId, stopped.id, 'the same run continues');
  for (const j of saved)
    assert.ok(
      reportPolls(j.report).some((q) => q.seq > stopSeq),
      `the resumed run polled the job it had saved for ${j.account}`,
    );
  // The first job failed ("Job Failed"): exactly one more job, for that account.
  const after = sb.requests.entries({ method: 'POST', pathIncludes: '/insights' }).filter((q) => q.seq > stopSeq);
  assert.equal(after.length, 1);
  assert.ok(
    after[0]!.path.endsWith(`${failedAccount}/insights`),
    'the failed job was created again for the same account',
  );
  assert.equal(await count('select count(*)::int as n from ad_metrics_daily'), historyRows, 'nothing missing');
  assert.equal(
    await count('select count(distinct (platform_id, date))::int as n from ad_metrics_daily'),
    historyRows,
    'nothing doubled',
  );
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
});

test('Meta: a re-sync lists changed entities only; a paused campaign carries its ad sets and ads along; a periodic full listing still runs', async () => {
  const campaign = (
    await ctx.db.owner.query(
      "select c.platform_id from ad_entities c where c.level = 'campaign' and c.status = 'active' and exists (select 1 from ad_entities a where a.level = 'ad' and a.status = 'active' and a.raw->>'campaign_id' = c.platform_id) limit 1",
    )
  ).rows[0].platform_id as string;
  const adset = (
    await ctx.db.owner.query(
      "select platform_id from ad_entities where level = 'ad_group' and status <> 'deleted' and parent_platform_id <> $1 limit 1",
      [campaign],
    )
  ).rows[0].platform_id as string;
  sb.remote.edit(campaign, { status: 'PAUSED' });
  sb.remote.edit(adset, { name: 'Renamed at the platform' });
  sb.requests.clear();
  const r = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test');
  assert.equal(r.listing, 'changed');
  const listings = sb.requests.entries({ method: 'GET' }).filter((q) => /\/(campaigns|adsets|ads)$/.test(q.path));
  assert.ok(
    listings.length > 0 && listings.every((q) => (q.query['filtering'] ?? '').length > 0),
    'every listing is filtered (updated_time, or the changed parents)',
  );
  // The ads' own updated_time did not move, yet their effective status follows the campaign.
  const ads = (
    await ctx.db.owner.query(
      "select status, platform_status, seen_run_id from ad_entities where level = 'ad' and raw->>'campaign_id' = $1",
      [campaign],
    )
  ).rows;
  assert.ok(
    ads.length > 0 && ads.every((a) => a.status === 'paused' && a.seen_run_id === r.runId),
    JSON.stringify(ads),
  );
  assert.ok(ads.some((a) => a.platform_status === 'CAMPAIGN_PAUSED'));
  assert.equal(
    (await ctx.db.owner.query("select name from ad_entities where level = 'ad_group' and platform_id = $1", [adset]))
      .rows[0].name,
    'Renamed at the platform',
  );
  const seen = await count(
    "select count(*)::int as n from ad_entities where level = 'ad' and seen_run_id = $1",
    r.runId,
  );
  assert.ok(seen < sb.counts().ads / 2, `only changed ads were listed (${seen} of ${sb.counts().ads})`);
  assert.equal(
    await count(
      "select count(*)::int as n from ad_entities where status = 'deleted' and deleted_at > now() - interval '1 minute' and seen_run_id is distinct from $1",
      r.runId,
    ),
    0,
    'unlisted entities are not taken for deleted',
  );

  // A full listing is due: everything is listed, and what it does not see is deleted.
  const full = await runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { fullListingEveryMs: 0 });
  assert.equal(full.listing, 'full');
  const live = sb
    .world()
    .accounts.flatMap((a) => sb.world().under(a, 'ad'))
    .filter((ad) => ad.fields.status !== 'DELETED').length;
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'ad' and seen_run_id = $1", full.runId),
    live,
  );
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'ad' and status <> 'deleted'"),
    live,
  );
});

test('Meta: a synchronous insights read that times out (100/1504018) moves to an async report job', async () => {
  const small = await metaSandbox.start({ seed: 22, size: 600, syncInsightsMaxRows: 50 } as MetaSandboxOptions);
  const c2 = await createTestContext({
    env: {
      PLEXUS_META_CLIENT_ID: small.appId,
      PLEXUS_META_CLIENT_SECRET: small.appSecret,
      PLEXUS_META_BASE_URL: small.url,
    },
  });
  try {
    const o = await newOrg(c2);
    const id = await seedSandboxMetaConnection(c2, o.id, small);
    const d2 = { ...c2.providers, db: c2.db, keyring: c2.keyring, log: c2.log };
    // A window within the look-back starts with a synchronous read.
    const r = await runAdsSync(d2, o.id, id, metaAdsSync, 'test', { historyDays: 20, sleep: async () => undefined });
    const timedOut = small.requests
      .entries({ method: 'GET', pathIncludes: '/insights' })
      .filter((q) => q.path.includes('/act_'));
    assert.ok(timedOut.length > 0 && timedOut.every((q) => q.status === 400), 'the synchronous reads were refused');
    assert.equal(small.requests.count({ method: 'POST', pathIncludes: '/insights' }), small.counts().accounts);
    assert.ok((await c2.db.owner.query('select count(*)::int as n from ad_metrics_daily')).rows[0].n > 0);
    assert.equal(
      (await c2.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
      'completed',
    );
  } finally {
    await c2.close();
    await small.close();
  }
});
