import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tiktokAdsSync } from '../../src/providers/tiktok/sync.ts';
import { sandbox as tiktokSandbox, type TikTokRunningSandbox } from '../../src/providers/tiktok/sandbox.ts';
import { adDay } from '../../src/providers/tiktok/sandbox/world.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: TikTokRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  sb = await tiktokSandbox.start({ seed: 21, size: 3000 });
  ctx = await createTestContext({
    env: { PLEXUS_TIKTOK_CLIENT_ID: sb.appId, PLEXUS_TIKTOK_CLIENT_SECRET: sb.secret, PLEXUS_TIKTOK_BASE_URL: sb.url },
  });
  org = await newOrg(ctx);
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'tiktok',
    { kind: 'oauth2', accessToken: sb.mintToken() },
    { externalId: sb.advertiserIds()[0]! },
  );
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;

test('TikTok: a full sync lands every advertiser, campaign, ad group and ad (deleted ones included); money exact; statuses mapped', async () => {
  const r = await runAdsSync(deps, org.id, conn, tiktokAdsSync, 'test', { historyDays: 400 });
  const c = sb.counts();
  const w = sb.world();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.adgroups);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.ads);
  assert.equal(await count('select count(*)::int as n from ad_metrics_daily'), c.metricRows);
  assert.ok(r.pages > 10, `${r.pages} pages`);
  for (const a of w.advertisers) {
    const row = (
      await ctx.db.owner.query(
        "select currency, time_zone, status from ad_entities where level = 'account' and platform_id = $1",
        [a.advertiser_id],
      )
    ).rows[0];
    assert.deepEqual(row, { currency: a.currency, time_zone: a.timezone, status: 'active' });
  }
  // Money: a budget float and a report spend string, both in major units, against exact micros.
  const camp = w.campaigns.find((x) => x.budget_mode === 'BUDGET_MODE_DAY' && !Number.isInteger(x.budget))!;
  const stored = (
    await ctx.db.owner.query(
      "select daily_budget_micros, raw from ad_entities where level = 'campaign' and platform_id = $1",
      [camp.campaign_id],
    )
  ).rows[0];
  assert.equal(stored.raw.budget, camp.budget);
  const [whole, frac = ''] = String(camp.budget).split('.');
  assert.equal(BigInt(stored.daily_budget_micros), BigInt(whole!) * 1_000_000n + BigInt((frac + '000000').slice(0, 6)));
  const ad = w.ads.find((x) => w.advertisers.find((a) => a.advertiser_id === x.advertiser_id)?.currency === 'USD')!;
  const m = (
    await ctx.db.owner.query(
      'select date::text as date, spend_micros, impressions, clicks, conversions from ad_metrics_daily where platform_id = $1 order by date desc limit 1',
      [ad.ad_id],
    )
  ).rows[0];
  const raw = adDay(w, ad.ad_id, m.date)!;
  // The sandbox reports spend as (cents / 100).toFixed(2): one cent is 10,000 micros.
  assert.equal(BigInt(m.spend_micros), BigInt(raw.spendMinor) * 10_000n);
  assert.equal(Number(m.impressions), raw.impressions);
  assert.equal(Number(m.clicks), raw.clicks);
  // Statuses follow secondary_status.
  const expect: Record<string, string> = {
    CAMPAIGN_STATUS_ENABLE: 'active',
    CAMPAIGN_STATUS_DISABLE: 'paused',
    CAMPAIGN_STATUS_DELETE: 'deleted',
    AD_STATUS_DELIVERY_OK: 'active',
    AD_STATUS_DELETE: 'deleted',
    AD_STATUS_AUDIT_DENY: 'error',
    AD_STATUS_AUDIT: 'pending',
  };
  const rows = (
    await ctx.db.owner.query("select platform_status, status from ad_entities where level in ('campaign', 'ad')")
  ).rows as { platform_status: string; status: string }[];
  for (const row of rows)
    if (expect[row.platform_status]) assert.equal(row.status, expect[row.platform_status], row.platform_status);
  assert.ok(
    rows.some((x) => x.status === 'deleted'),
    'deleted objects are listed with STATUS_ALL',
  );
  const run = (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0];
  assert.equal(run.status, 'completed');
});

test('TikTok: code 40100 inside HTTP 200 slows the sync without failing it; a deleted campaign is marked deleted after a re-sync', async () => {
  const campaign = sb.world().campaigns.find((x) => x.secondary_status !== 'CAMPAIGN_STATUS_DELETE')!.campaign_id;
  sb.remote.delete(campaign);
  sb.faults.rateLimit({ times: 2, pathPrefix: '/open_api/v1.3/adgroup/get/' });
  sb.faults.rateLimit({ times: 1, pathPrefix: '/open_api/v1.3/report/integrated/get/' });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, tiktokAdsSync, 'test', {
    sleep: async (ms) => void waits.push(ms),
    maxInlineWaitMs: 120_000,
  });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  // Each 40100 answer is waited out and retried (other pauses may come from the engine's own pacing).
  assert.equal(waits.filter((ms) => ms === 60_000).length, 3, JSON.stringify(waits));
  assert.equal(run.rate_limit_waits, waits.length);
  const row = (
    await ctx.db.owner.query(
      "select status, platform_status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [campaign],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.equal(row.platform_status, 'CAMPAIGN_STATUS_DELETE');
  assert.ok(row.deleted_at);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), sb.counts().ads);
});
