import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { snapchatAdsSync } from '../../src/providers/snapchat/sync.ts';
import { sandbox as snapSandbox, type SnapchatRunningSandbox } from '../../src/providers/snapchat/sandbox.ts';
import { adDay } from '../../src/providers/snapchat/sandbox/metrics.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: SnapchatRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  sb = await snapSandbox.start({ seed: 31, size: 4000 });
  ctx = await createTestContext({
    env: {
      PLEXUS_SNAPCHAT_CLIENT_ID: sb.clientId,
      PLEXUS_SNAPCHAT_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_SNAPCHAT_BASE_URL: sb.url,
    },
  });
  org = await newOrg(ctx);
  // A long-lived token: this test is about syncing, not the one-hour refresh cycle.
  const { accessToken, refreshToken } = sb.mintToken({ ttlSeconds: 86_400 });
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'snapchat',
    { kind: 'oauth2', accessToken, refreshToken },
    { externalId: sb.world().me.organization_id, expiresAt: new Date(Date.now() + 86_400_000) },
  );
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;

test('Snapchat: a full sync lands every level (organizations → ad accounts → campaigns → ad squads → ads) and daily ad stats, money exact', async () => {
  const r = await runAdsSync(deps, org.id, conn, snapchatAdsSync, 'test', { historyDays: 120 });
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.adsquads);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.ads);
  const metricRows = await count('select count(*)::int as n from ad_metrics_daily');
  assert.ok(metricRows > c.metricRows * 0.9 && metricRows <= c.metricRows, `${metricRows} of ${c.metricRows}`);
  const run = (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0];
  assert.equal(run.status, 'completed');

  // Currency and time zone are the account's own.
  const acct = sb.world().accounts.find((a) => a.currency === 'EUR')!;
  const a = (
    await ctx.db.owner.query(
      "select currency, time_zone from ad_entities where level = 'account' and platform_id = $1",
      [acct.id],
    )
  ).rows[0];
  assert.deepEqual([a.currency, a.time_zone], ['EUR', 'Europe/Berlin']);

  // Money: budgets are already micros on the wire and land unchanged.
  const squad = sb.world().adsquads.find((q) => q.daily_budget_micro !== undefined)!;
  const sq = (
    await ctx.db.owner.query(
      "select daily_budget_micros, parent_platform_id from ad_entities where level = 'ad_group' and platform_id = $1",
      [squad.id],
    )
  ).rows[0];
  assert.equal(BigInt(sq.daily_budget_micros), BigInt(squad.daily_budget_micro!));
  assert.equal(sq.parent_platform_id, squad.campaign_id);
  const capped = sb.world().campaigns.find((x) => x.lifetime_spend_cap_micro !== undefined)!;
  const cc = (
    await ctx.db.owner.query(
      "select lifetime_budget_micros from ad_entities where level = 'campaign' and platform_id = $1",
      [capped.id],
    )
  ).rows[0];
  assert.equal(BigInt(cc.lifetime_budget_micros), BigInt(capped.lifetime_spend_cap_micro!));

  // Spend: ad-days against the sandbox's own micro values, summed exactly.
  const rows = (
    await ctx.db.owner.query(
      'select platform_id, date::text as date, spend_micros::text as spend, impressions::int as imp, clicks::int as clicks from ad_metrics_daily order by platform_id, date limit 50',
    )
  ).rows;
  for (const row of rows) {
    const ad = sb.world().ads.find((x) => x.id === row.platform_id)!;
    const raw = adDay(sb.world(), ad, row.date);
    assert.equal(BigInt(row.spend), BigInt(raw.spend), `${row.platform_id} ${row.date}`);
    assert.deepEqual([row.imp, row.clicks], [raw.impressions, raw.swipes]);
  }
});

test('Snapchat: statuses map to the unified enum (review holds count), a deleted campaign is marked deleted after a re-sync', async () => {
  const statuses = (
    await ctx.db.owner.query(
      'select level, platform_status, status::text, count(*)::int as n from ad_entities group by 1, 2, 3 order by 1, 2, 3',
    )
  ).rows;
  for (const s of statuses) {
    if (s.platform_status === 'PAUSED') assert.equal(s.status, 'paused');
    if (s.platform_status === 'ACTIVE') assert.ok(['active', 'pending', 'error'].includes(s.status), JSON.stringify(s));
  }
  const pendingAd = sb.world().ads.find((a) => a.status === 'ACTIVE' && a.review_status === 'PENDING_REVIEW');
  if (pendingAd)
    assert.equal(
      (
        await ctx.db.owner.query("select status::text from ad_entities where level = 'ad' and platform_id = $1", [
          pendingAd.id,
        ])
      ).rows[0].status,
      'pending',
    );
  assert.ok(statuses.some((s) => s.status === 'paused') && statuses.some((s) => s.status === 'active'));

  const campaign = sb.world().campaigns.find((c) => !c.deleted)!;
  const squads = sb
    .world()
    .adsquads.filter((q) => q.campaign_id === campaign.id)
    .map((q) => q.id);
  sb.remote.delete(campaign.id);
  const r = await runAdsSync(deps, org.id, conn, snapchatAdsSync, 'test');
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  const row = (
    await ctx.db.owner.query(
      "select status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [campaign.id],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  // Its ad squads went with it on the platform, and so here.
  const gone = await count(
    "select count(*)::int as n from ad_entities where level = 'ad_group' and status = 'deleted' and platform_id = any($1)",
    squads,
  );
  assert.equal(gone, squads.length);
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'campaign' and status <> 'deleted'"),
    sb.counts().campaigns,
  );
});

test('Snapchat: header-less 429s are backed off and waited out without failing the sync', async () => {
  await ctx.db.owner.query(
    'delete from ad_metrics_daily; delete from ad_entities; delete from sync_runs; delete from rate_budgets',
  );
  sb.faults.rateLimit({ times: 3, pathPrefix: '/adaccounts' });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, snapchatAdsSync, 'test', {
    historyDays: 30,
    maxInlineWaitMs: 600_000,
    sleep: async (ms) => void waits.push(ms),
  });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  // Every pause is counted: the three 429 back-offs, and any the shared request budget asked for.
  assert.equal(run.rate_limit_waits, waits.length);
  // No Retry-After on Snapchat (ads.md §6.6): the 429 waits grow exponentially, in order.
  const backoffs = waits.filter((w) => w >= 1000 && Number.isInteger(w));
  assert.deepEqual(backoffs, [1000, 2000, 4000], `waits: ${waits.join(', ')}`);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), sb.counts().ads);
});
