import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { googleAdsSync } from '../../src/providers/google-ads/sync.ts';
import {
  sandbox as googleSandbox,
  type GoogleAdsRunningSandbox,
  type GoogleAdsSandboxOptions,
} from '../../src/providers/google-ads/sandbox.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  // A small page size makes every level span several search pages.
  const opts: GoogleAdsSandboxOptions = { seed: 21, size: 3000, searchPageSize: 500 };
  sb = await googleSandbox.start(opts);
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
  });
  org = await newOrg(ctx);
  const t = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    {
      expiresAt: new Date(Date.now() + 3600_000),
      externalId: sb.accounts().managerId,
    },
  );
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;

test('Google Ads: a full sync lands every account (through the manager), campaign, ad group and ad; money exact; statuses mapped', async () => {
  const r = await runAdsSync(deps, org.id, conn, googleAdsSync, 'test', { historyDays: 400 });
  const c = sb.counts();
  const w = sb.world();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.adGroups);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.ads);
  assert.equal(
    await count('select count(*)::int as n from ad_metrics_daily'),
    c.metricRows,
    'every ad delivers on every day of the window',
  );
  assert.ok(r.pages > 10, `${r.pages} pages`);
  // Accounts keep their currency and time zone; client accounts reached via the manager are there.
  for (const cust of w.customers.filter((x) => !x.manager)) {
    const a = (
      await ctx.db.owner.query(
        "select currency, time_zone, status from ad_entities where level = 'account' and platform_id = $1",
        [cust.id],
      )
    ).rows[0];
    assert.deepEqual(a, { currency: cust.currency_code, time_zone: cust.time_zone, status: 'active' });
  }
  // Money: a budget and a spend against the sandbox's own micros.
  const camp = w.campaigns[0]!;
  const budget = w.budgets.get(camp.budgetId)!;
  const stored = (
    await ctx.db.owner.query(
      "select daily_budget_micros, currency from ad_entities where level = 'campaign' and platform_id = $1",
      [camp.id],
    )
  ).rows[0];
  assert.equal(String(stored.daily_budget_micros), budget.amount_micros);
  assert.equal(stored.currency, w.customers.find((x) => x.id === camp.customerId)!.currency_code);
  const { adDay } = await import('../../src/providers/google-ads/sandbox/world.ts');
  const ad = w.ads[0]!;
  const m = (
    await ctx.db.owner.query(
      'select date::text as date, spend_micros, impressions, clicks, conversions from ad_metrics_daily where platform_id = $1 order by date desc limit 1',
      [ad.id],
    )
  ).rows[0];
  const raw = adDay(w, ad, m.date)!;
  assert.equal(String(m.spend_micros), String(raw.cost_micros));
  assert.equal(Number(m.impressions), raw.impressions);
  assert.equal(Number(m.clicks), raw.clicks);
  assert.equal(Number(m.conversions), raw.conversions);
  // Statuses: ENABLED → active, PAUSED → paused, REMOVED → deleted; disapproved enabled ads → error.
  for (const [platform, unified] of [
    ['ENABLED', 'active'],
    ['PAUSED', 'paused'],
    ['REMOVED', 'deleted'],
  ] as const) {
    const ids = w.campaigns.filter((x) => x.status === platform).map((x) => x.id);
    if (!ids.length) continue;
    const rows = (
      await ctx.db.owner.query(
        "select distinct status from ad_entities where level = 'campaign' and platform_id = any($1)",
        [ids],
      )
    ).rows;
    assert.deepEqual(
      rows.map((x) => x.status),
      [unified],
      platform,
    );
  }
  const disapproved = w.ads.find((x) => x.status === 'ENABLED' && x.approval_status === 'DISAPPROVED');
  if (disapproved)
    assert.equal(
      (
        await ctx.db.owner.query("select status from ad_entities where level = 'ad' and platform_id = $1", [
          disapproved.id,
        ])
      ).rows[0].status,
      'error',
    );
  const run = (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0];
  assert.equal(run.status, 'completed');
});

test('Google Ads: restated days leave revisions, a removed campaign is marked deleted after a re-sync', async () => {
  assert.ok(sb.remote.restate(3).length > 0);
  const campaign = sb.world().campaigns.find((x) => x.status !== 'REMOVED')!.id;
  sb.remote.delete(campaign);
  const r = await runAdsSync(deps, org.id, conn, googleAdsSync, 'test');
  assert.ok(r.revisions > 0, 'restated metrics recorded as revisions');
  const row = (
    await ctx.db.owner.query(
      "select status, platform_status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [campaign],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.equal(row.platform_status, 'REMOVED');
  assert.ok(row.deleted_at);
});

test('Google Ads: a storm of RESOURCE_EXHAUSTED answers is waited out as their retryDelay says, without failing the sync', async () => {
  await ctx.db.owner.query('delete from ad_metrics_daily; delete from ad_entities; delete from sync_runs');
  sb.faults.rateLimit({ times: 4, pathPrefix: '/v' });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, googleAdsSync, 'test', {
    maxInlineWaitMs: 600_000,
    sleep: async (ms) => void waits.push(ms),
  });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  assert.equal(run.rate_limit_waits, 4);
  assert.ok(
    waits.length >= 4 && waits.slice(0, 4).every((w) => w >= 30_000),
    `waited ${waits.join(', ')} ms: the platform asked for 30 s`,
  );
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'campaign'"),
    sb.world().campaigns.length,
  );
});
