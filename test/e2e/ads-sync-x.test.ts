import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xAdsSync } from '../../src/providers/x/sync.ts';
import { sandbox as xSandbox, type XRunningSandbox } from '../../src/providers/x/sandbox.ts';
import { promotedTweetDay } from '../../src/providers/x/sandbox/api.ts';
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
  ctx = await createTestContext({ env: { PLEXUS_X_CLIENT_ID: sb.consumerKey, PLEXUS_X_CLIENT_SECRET: sb.consumerSecret, PLEXUS_X_BASE_URL: sb.url } });
  org = await newOrg(ctx);
  const t = sb.mintToken();
  conn = await seedConnection(ctx.db, ctx.keyring, org.id, 'x', { kind: 'oauth1a', accessToken: t.token, tokenSecret: t.secret }, { externalId: sb.world().accounts[0]!.id });
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;

test('X: a full sync lands accounts, campaigns, line items, promoted tweets and daily stats, money exact', async () => {
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', { historyDays: 30 });
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.lineItems);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.promotedTweets);
  const metricRows = await count('select count(*)::int as n from ad_metrics_daily');
  assert.ok(metricRows > c.metricRows * 0.9 && metricRows <= c.metricRows, `${metricRows} of ${c.metricRows}`);
  assert.equal((await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status, 'completed');

  const acct = sb.world().accounts.find((a) => a.currency === 'EUR')!;
  const a = (await ctx.db.owner.query("select currency, time_zone from ad_entities where level = 'account' and platform_id = $1", [acct.id])).rows[0];
  assert.deepEqual([a.currency, a.time_zone], ['EUR', 'Europe/Berlin'], 'currency from the funding instrument, time zone kept');

  const li = sb.world().lineItems.find((l) => !l.deleted && l.total_budget_amount_local_micro !== null && l.total_budget_amount_local_micro % 1_000_000 !== 0)!;
  const row = (await ctx.db.owner.query("select lifetime_budget_micros, parent_platform_id from ad_entities where level = 'ad_group' and platform_id = $1", [li.id])).rows[0];
  assert.equal(BigInt(row.lifetime_budget_micros), BigInt(li.total_budget_amount_local_micro!));
  assert.equal(row.parent_platform_id, li.campaign_id);

  const rows = (await ctx.db.owner.query('select platform_id, date::text as date, spend_micros::text as spend, impressions::int as imp from ad_metrics_daily order by platform_id, date limit 40')).rows;
  assert.ok(rows.length > 0);
  for (const m of rows) {
    const raw = promotedTweetDay(sb.world(), m.platform_id, m.date)!;
    assert.equal(BigInt(m.spend), BigInt(raw.billed_charge_local_micro), `${m.platform_id} ${m.date}`);
    assert.equal(m.imp, raw.impressions);
  }
});

test('X: entity_status maps (DRAFT → pending), a deleted campaign is marked deleted after a re-sync', async () => {
  const byStatus = (await ctx.db.owner.query("select platform_status, status::text from ad_entities where level = 'campaign' group by 1, 2")).rows;
  const want: Record<string, string> = { ACTIVE: 'active', PAUSED: 'paused', DRAFT: 'pending' };
  for (const s of byStatus) assert.equal(s.status, want[s.platform_status], JSON.stringify(s));
  assert.ok(byStatus.some((s) => s.platform_status === 'DRAFT'), 'drafts are synced');

  const campaign = sb.world().campaigns.find((c) => !c.deleted && c.entity_status === 'ACTIVE')!;
  sb.remote.delete(campaign.id);
  await runAdsSync(deps, org.id, conn, xAdsSync, 'test');
  const row = (await ctx.db.owner.query("select status, deleted_at from ad_entities where level = 'campaign' and platform_id = $1", [campaign.id])).rows[0];
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad' and status <> 'deleted'"), sb.counts().promotedTweets);
});

test('X: a 429 is waited out until x-rate-limit-reset without failing the sync', async () => {
  sb.faults.rateLimit({ times: 1, pathPrefix: '/stats', retryAfterSeconds: 120 });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, xAdsSync, 'test', { maxInlineWaitMs: 900_000, sleep: async (ms) => void waits.push(ms) });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId])).rows[0];
  assert.equal(run.status, 'completed');
  assert.equal(run.rate_limit_waits, 1);
  assert.equal(waits.length, 1);
  assert.ok(waits[0]! > 100_000 && waits[0]! <= 120_000, `waited ${waits[0]} ms, as the reset header said`);
});
